import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterAgentLossTests {
    /// Two frameworks (one PARTITION_AWARE, one not) each running a task on the only agent; both hold a new
    /// offer for the agent's remaining resources.
    private func running(checkpoint: Bool = true) throws -> (
        MasterHarness, FrameworkID, FrameworkID, AgentID
    ) {
        var master = MasterHarness(agents: 1)
        let plain = try master.subscribeNew(.test(checkpoint: checkpoint), stream: "plain")
        var offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            plain,
            .accept(
                .init(
                    offerIDs: [offer.id],
                    operations: [.launch([.withExecutor("a", on: offer, cpus: 1)])],
                    filters: Filters(refuseSeconds: 0))), stream: "plain")
        let aware = try master.subscribeNew(
            .test(checkpoint: checkpoint, partitionAware: true), stream: "aware")
        offer = try #require(
            master.state.offers.values.first { $0.offer.frameworkID == aware }?.offer)
        _ = try master.call(
            aware,
            .accept(
                .init(
                    offerIDs: [offer.id],
                    operations: [.launch([.withExecutor("b", on: offer, cpus: 1)])],
                    filters: Filters(refuseSeconds: 0))), stream: "aware")
        _ = master.advance(1)
        #expect(master.state.offers.count == 1)
        return (master, plain, aware, offer.agentID)
    }

    @Test func agentThatDoesNotComeBackIsRemovedWithTheRealStatesAndReasons() throws {
        var (master, plain, aware, agent) = try running()
        let disconnect = master.state.agentDisconnected(agent, now: master.now)
        // Offers on a disconnected agent are rescinded; checkpointing frameworks' tasks wait.
        #expect(disconnect.updates(to: "plain").isEmpty && disconnect.updates(to: "aware").isEmpty)
        #expect(master.state.offers.isEmpty)
        #expect(master.advance(74).isEmpty)

        let removal = master.advance(1)
        let lost = try #require(removal.updates(to: "plain").first)
        #expect(lost.state == .lost)
        #expect(lost.reason == .agentRemoved)
        #expect(lost.source == .master)
        #expect(lost.uuid == nil)
        #expect(lost.message == "health check timed out")
        #expect(lost.unreachableTime != nil)
        let unreachable = try #require(removal.updates(to: "aware").first)
        #expect(unreachable.state == .unreachable)
        #expect(unreachable.reason == .agentRemoved)
        #expect(unreachable.unreachableTime == TimeInfo(master.now))
        #expect(removal.events(to: "plain").contains(.failure(.init(agentID: agent))))
        #expect(removal.events(to: "aware").contains(.failure(.init(agentID: agent))))
        #expect(master.state.agents[agent] == nil)
        #expect(master.state.framework(aware)?.unreachableTasks["b"]?.state == .unreachable)

        // Reconciling against the unreachable agent, and reusing the task ID, behave as on Mesos.
        let answer = try master.call(
            aware, .reconcile(.init(tasks: [.init(taskID: "x", agentID: agent)])), stream: "aware")
        #expect(answer.updates(to: "aware").map(\.state) == [.unreachable])
        _ = plain
    }

    @Test func nonCheckpointingFrameworksLoseTasksAsSoonAsTheAgentDisconnects() throws {
        var (master, plain, _, agent) = try running(checkpoint: false)
        let effects = master.state.agentDisconnected(agent, now: master.now)
        let status = try #require(effects.updates(to: "plain").first)
        #expect(status.state == .lost)
        #expect(status.reason == .agentDisconnected)
        #expect(status.message == "Agent 127.0.0.2 disconnected")
        #expect(effects.updates(to: "aware").map(\.state) == [.lost])
        #expect(master.state.task("a", of: plain) == nil)
        #expect(master.state.agents[agent]?.allocated.isEmpty == true)
    }

    @Test func agentBackInTimeKeepsItsTasksAndIsOfferedAgain() throws {
        var (master, plain, _, agent) = try running()
        _ = master.state.agentDisconnected(agent, now: master.now)
        _ = master.advance(30)
        let back = master.state.agentReconnected(agent, now: master.now)
        #expect(back.offers(to: "plain").count + back.offers(to: "aware").count == 1)
        #expect(master.advance(100).updates(to: "plain").isEmpty)
        #expect(master.state.task("a", of: plain)?.state == .staging)
    }

    @Test func agentMarkedGoneIsGoneByOperatorForPartitionAwareFrameworks() throws {
        var (master, _, _, agent) = try running()
        let effects = master.state.markAgentGone(agent, now: master.now)
        let gone = try #require(effects.updates(to: "aware").first)
        #expect(gone.state == .goneByOperator)
        #expect(gone.reason == .agentRemovedByOperator)
        #expect(gone.unreachableTime == nil)
        let lost = try #require(effects.updates(to: "plain").first)
        #expect(lost.state == .lost)
        #expect(lost.reason == .agentRemoved)
    }

    @Test func outstandingOffersOnARemovedAgentAreRescinded() throws {
        var master = MasterHarness(agents: 1)
        _ = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        let effects = master.state.removeAgent(
            offer.agentID, unreachable: true, message: "health check timed out", now: master.now)
        #expect(
            effects.events(to: "s") == [
                .rescind(.init(offerID: offer.id)), .failure(.init(agentID: offer.agentID)),
            ])
    }

    @Test func anUnreachableTasksIDCannotBeReused() throws {
        var master = MasterHarness(agents: 2)
        let id = try master.subscribeNew(.test(partitionAware: true), stream: "s")
        let offer = try #require(
            master.state.offers.values.first { $0.offer.agentID == "m-S0" }?.offer)
        _ = try master.call(
            id,
            .accept(
                .init(offerIDs: [offer.id], operations: [.launch([.withExecutor("t", on: offer)])])),
            stream: "s")
        _ = master.state.removeAgent(
            "m-S0", unreachable: true, message: "health check timed out", now: master.now)
        let other = try #require(master.state.offers.values.first?.offer)
        let effects = try master.call(
            id,
            .accept(
                .init(offerIDs: [other.id], operations: [.launch([.withExecutor("t", on: other)])])),
            stream: "s")
        #expect(
            effects.updates(to: "s").first?.message
                == "Task reuses the ID of an unreachable task: t")
    }
}

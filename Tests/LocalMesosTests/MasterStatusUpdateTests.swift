import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterStatusUpdateTests {
    private func launched() throws -> (MasterHarness, FrameworkID, AgentID) {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id,
            .accept(
                .init(offerIDs: [offer.id], operations: [.launch([.withExecutor("t1", on: offer)])])
            ), stream: "s")
        return (master, id, offer.agentID)
    }

    @Test func updatesAreRetriedWithDoublingIntervalsUntilAcknowledged() throws {
        var (master, id, agent) = try launched()
        let uuid = TaskStatus.uuidBytes()
        let first = master.update("t1", .running, framework: id, agent: agent, uuid: uuid).updates(
            to: "s")
        #expect(first.map(\.uuid) == [uuid])
        #expect(first.first?.agentID == agent)
        #expect(master.advance(9).updates(to: "s").isEmpty)
        #expect(master.advance(1).updates(to: "s").map(\.uuid) == [uuid])
        #expect(master.advance(19).updates(to: "s").isEmpty)
        #expect(master.advance(1).updates(to: "s").map(\.uuid) == [uuid])

        let ack = try master.call(
            id, .acknowledge(.init(agentID: agent, taskID: "t1", uuid: uuid)), stream: "s")
        #expect(ack == [.acknowledgeUpdate(uuid: uuid, task: "t1", framework: id, on: agent)])
        #expect(master.advance(3600).updates(to: "s").isEmpty)
    }

    @Test func updatesOfATaskAreDeliveredInOrderOneAtATime() throws {
        var (master, id, agent) = try launched()
        let running = TaskStatus.uuidBytes()
        let finished = TaskStatus.uuidBytes()
        _ = master.update("t1", .running, framework: id, agent: agent, uuid: running)
        #expect(
            master.update("t1", .finished, framework: id, agent: agent, uuid: finished).updates(
                to: "s"
            ).isEmpty)
        // The master already knows the latest state; reconciliation reports the one being delivered.
        #expect(master.state.task("t1", of: id)?.state == .finished)
        let reconciled = try master.call(id, .reconcile(.init()), stream: "s").updates(to: "s")
        #expect(reconciled.map(\.state) == [.running])

        let next = try master.call(
            id, .acknowledge(.init(agentID: agent, taskID: "t1", uuid: running)), stream: "s")
        #expect(next.updates(to: "s").map(\.uuid) == [finished])
        _ = try master.call(
            id, .acknowledge(.init(agentID: agent, taskID: "t1", uuid: finished)), stream: "s")
        #expect(master.state.task("t1", of: id) == nil)
        #expect(master.state.framework(id)?.completedTasks.map(\.state) == [.finished])
    }

    @Test func terminalUpdateFreesTheTasksResources() throws {
        var (master, id, agent) = try launched()
        _ = master.update("t1", .failed, framework: id, agent: agent)
        let allocated = try #require(master.state.agents[agent]?.allocated)
        // Only the executor's resources stay allocated until it exits.
        #expect(allocated == ResourceBag([.scalar("cpus", 0.1), .scalar("mem", 32)]))
        let exited = master.state.executorExited(
            "t1.exec", framework: id, agent: agent, status: 0, now: master.now)
        #expect(
            exited.events(to: "s").contains(
                .failure(.init(agentID: agent, executorID: "t1.exec", status: 0))))
        #expect(master.state.agents[agent]?.allocated.isEmpty == true)
    }

    @Test func updatesWaitWhileTheFrameworkIsDisconnected() throws {
        var (master, id, agent) = try launched()
        _ = master.state.streamClosed("s", now: master.now)
        let uuid = TaskStatus.uuidBytes()
        #expect(master.update("t1", .running, framework: id, agent: agent, uuid: uuid).isEmpty)
        #expect(master.advance(30).isEmpty)
        var info = FrameworkInfo.test()
        info.id = id
        #expect(master.subscribe(info, stream: "s2").updates(to: "s2").map(\.uuid) == [uuid])
    }

    @Test func implicitReconciliationReportsEveryKnownTask() throws {
        var (master, id, agent) = try launched()
        _ = master.update("t1", .running, framework: id, agent: agent, uuid: nil)
        let statuses = try master.call(id, .reconcile(.init()), stream: "s").updates(to: "s")
        #expect(statuses.count == 1)
        let status = try #require(statuses.first)
        #expect(status.state == .running)
        #expect(status.reason == .reconciliation)
        #expect(status.source == .master)
        #expect(status.uuid == nil)
        #expect(status.message == "Reconciliation: Latest task state")
        #expect(status.executorID == "t1.exec")
    }

    @Test func explicitReconciliationAnswersAsMesosDoes() throws {
        var (master, id, agent) = try launched()
        let asked: [SchedulerCall.Reconcile.Task] = [
            .init(taskID: "t1"), .init(taskID: "ghost", agentID: agent), .init(taskID: "nowhere"),
        ]
        let statuses = try master.call(id, .reconcile(.init(tasks: asked)), stream: "s").updates(
            to: "s")
        #expect(statuses.map(\.state) == [.staging, .lost, .lost])
        #expect(
            statuses.map(\.message) == [
                "Reconciliation: Latest task state", "Reconciliation: Task is unknown to the agent",
                "Reconciliation: Task is unknown",
            ])

        let aware = try master.subscribeNew(.test(partitionAware: true), stream: "p")
        let pa = try master.call(aware, .reconcile(.init(tasks: asked)), stream: "p").updates(
            to: "p")
        #expect(pa.map(\.state) == [.unknown, .gone, .unknown])
    }
}

import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterCallTests {
    @Test func callsAreRefusedAsRealMesosRefusesThem() throws {
        var master = MasterHarness(agents: 0)
        let id = try master.subscribeNew(stream: "s")
        #expect(throws: SchedulerCallRejection.badRequest("Framework cannot be found")) {
            try master.call("nobody", .reconcile(.init()), stream: "s")
        }
        #expect(
            throws: SchedulerCallRejection.badRequest(
                "All non-subscribe calls should include the 'Mesos-Stream-Id' header"
            )
        ) { try master.call(id, .reconcile(.init()), stream: nil) }
        #expect(
            throws: SchedulerCallRejection.badRequest(
                "Failed to validate scheduler::Call: Not a valid UUID")
        ) {
            try master.call(
                id, .acknowledge(.init(agentID: "a", taskID: "t", uuid: Data([1, 2, 3]))),
                stream: "s")
        }
        #expect(throws: SchedulerCallRejection.notImplemented) {
            try master.call(id, .unrecognized("UNKNOWN"), stream: "s")
        }
        #expect(throws: SchedulerCallRejection.self) {
            try master.state.handle(
                SchedulerCall(frameworkID: nil, .reconcile(.init())), streamID: "s", now: master.now
            )
        }
        #expect(try master.call(id, .unrecognized("ACCEPT_INVERSE_OFFERS"), stream: "s").isEmpty)
    }

    @Test func killOfAKnownTaskGoesToItsAgent() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id,
            .accept(
                .init(offerIDs: [offer.id], operations: [.launch([.withExecutor("t1", on: offer)])])
            ), stream: "s")
        let policy = KillPolicy(gracePeriod: DurationInfo(nanoseconds: 1_000_000_000))
        let effects = try master.call(
            id, .kill(.init(taskID: "t1", killPolicy: policy)), stream: "s")
        #expect(effects == [.killTask("t1", framework: id, killPolicy: policy, on: offer.agentID)])
    }

    @Test func killOfAnUnknownTaskIsAnsweredAsAReconciliation() throws {
        var master = MasterHarness(agents: 1)
        let plain = try master.subscribeNew(stream: "s")
        let lost = try master.call(plain, .kill(.init(taskID: "ghost")), stream: "s").updates(
            to: "s")
        #expect(lost.map(\.state) == [.lost])
        #expect(lost.first?.reason == .reconciliation)

        let aware = try master.subscribeNew(.test(partitionAware: true), stream: "p")
        let unknown = try master.call(aware, .kill(.init(taskID: "ghost")), stream: "p").updates(
            to: "p")
        #expect(unknown.map(\.state) == [.unknown])
        #expect(unknown.first?.message == "Reconciliation: Task is unknown")
    }

    @Test func schedulerMessagesAndShutdownsGoToTheAgent() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let agent = try #require(master.state.agents.keys.first)
        let message = try master.call(
            id, .message(.init(agentID: agent, executorID: "e", data: Data("hi".utf8))), stream: "s"
        )
        #expect(
            message == [
                .messageToExecutor(Data("hi".utf8), executor: "e", framework: id, on: agent)
            ])
        let shutdown = try master.call(
            id, .shutdown(.init(executorID: "e", agentID: agent)), stream: "s")
        #expect(shutdown == [.shutdownExecutor("e", framework: id, on: agent)])
    }
}

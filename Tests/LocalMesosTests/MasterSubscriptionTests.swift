import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterSubscriptionTests {
    @Test func subscribeAnswersSubscribedHeartbeatThenOffers() throws {
        var master = MasterHarness(agents: 1)
        let effects = master.subscribe(.test(), stream: "s1")
        let events = effects.events(to: "s1")
        guard case .subscribed(let subscribed) = events.first else {
            Issue.record("first event is \(String(describing: events.first))")
            return
        }
        #expect(subscribed.frameworkID == "m-0000")
        #expect(subscribed.heartbeatIntervalSeconds == 15)
        #expect(subscribed.masterInfo?.id == "m")
        #expect(events.dropFirst().first == .heartbeat)
        let offers = effects.offers(to: "s1")
        #expect(offers.map(\.id) == ["m-O0"])
        #expect(offers.first?.agentID == "m-S0")
        #expect(offers.first?.hostname == "127.0.0.2")
    }

    @Test func frameworkIDsCountUpWithFourDigits() throws {
        var master = MasterHarness(agents: 0)
        #expect(try master.subscribeNew(stream: "a") == "m-0000")
        #expect(try master.subscribeNew(stream: "b") == "m-0001")
    }

    @Test func invalidFrameworkInfoIsRefusedWithErrorEventAndClose() {
        var master = MasterHarness(agents: 0)
        var info = FrameworkInfo.test(multiRole: false)
        info.roles = ["etcd"]
        let effects = master.subscribe(info, stream: "s")
        #expect(
            effects.events(to: "s")
                == [
                    .error(
                        .init(
                            message:
                                "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"
                        ))
                ])
        #expect(effects.closes("s"))
        #expect(master.state.frameworks.isEmpty)
    }

    @Test func resubscribeWithinFailoverTimeoutKeepsTasksAndFailsOverTheOldStream() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(failoverTimeout: 60), stream: "old")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id,
            .accept(
                .init(offerIDs: [offer.id], operations: [.launch([.withExecutor("t1", on: offer)])])
            ), stream: "old")
        _ = master.update("t1", .running, framework: id, agent: offer.agentID)

        var info = FrameworkInfo.test(failoverTimeout: 60)
        info.id = id
        let effects = master.subscribe(info, stream: "new")
        #expect(effects.events(to: "old") == [.error(.init(message: "Framework failed over"))])
        #expect(effects.closes("old"))
        #expect(
            effects.events(to: "new").first
                == .subscribed(
                    .init(
                        frameworkID: id, heartbeatIntervalSeconds: 15,
                        masterInfo: master.state.masterInfo)))
        // The unacknowledged RUNNING update is delivered again on the new stream.
        #expect(effects.updates(to: "new").map(\.state) == [.running])
        #expect(master.state.task("t1", of: id)?.state == .running)
        #expect(
            throws: SchedulerCallRejection.badRequest(
                "The stream ID 'old' included in this request didn't match the stream ID currently associated with framework ID m-0000"
            )
        ) { try master.call(id, .reconcile(.init()), stream: "old") }
    }

    @Test func disconnectedFrameworkIsRemovedAfterItsFailoverTimeout() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(failoverTimeout: 30), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id,
            .accept(
                .init(offerIDs: [offer.id], operations: [.launch([.withExecutor("t1", on: offer)])])
            ), stream: "s")
        _ = master.state.streamClosed("s", now: master.now)
        #expect(master.state.offers.isEmpty)
        #expect(throws: SchedulerCallRejection.forbidden("Framework is not subscribed")) {
            try master.call(id, .reconcile(.init()), stream: "s")
        }
        #expect(master.advance(29).isEmpty)
        #expect(master.state.framework(id) != nil)

        let effects = master.advance(2)
        #expect(effects.contains(.shutdownFramework(id, on: offer.agentID)))
        #expect(master.state.framework(id) == nil)
        #expect(master.state.completedFrameworks.last?.completedTasks.map(\.state) == [.killed])
        #expect(master.state.agents[offer.agentID]?.allocated.isEmpty == true)

        var info = FrameworkInfo.test()
        info.id = id
        let again = master.subscribe(info, stream: "late")
        #expect(again.events(to: "late") == [.error(.init(message: "Framework has been removed"))])
        #expect(again.closes("late"))
        #expect(throws: SchedulerCallRejection.badRequest("Framework cannot be found")) {
            try master.call(id, .reconcile(.init()), stream: "late")
        }
    }

    @Test func zeroFailoverTimeoutRemovesTheFrameworkWhenItsStreamBreaks() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(failoverTimeout: 0), stream: "s")
        _ = master.state.streamClosed("s", now: master.now)
        #expect(master.state.framework(id) == nil)
    }

    @Test func teardownRemovesTheFrameworkAndClosesItsStream() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let effects = try master.call(id, .teardown, stream: "s")
        #expect(effects.closes("s"))
        #expect(master.state.framework(id) == nil)
        #expect(master.state.offers.isEmpty)
    }

    @Test func frameworkNeverSeenIsRecoveredWithItsOwnID() throws {
        var master = MasterHarness(agents: 0)
        var info = FrameworkInfo.test()
        info.id = "older-master-0007"
        let effects = master.subscribe(info, stream: "s")
        #expect(
            effects.events(to: "s").first
                == .subscribed(
                    .init(
                        frameworkID: "older-master-0007", heartbeatIntervalSeconds: 15,
                        masterInfo: master.state.masterInfo)))
    }

    @Test func principalCannotChangeOnResubscribe() throws {
        var master = MasterHarness(agents: 0)
        var info = FrameworkInfo.test()
        info.principal = "a"
        let id = try master.subscribeNew(info, stream: "s")
        info.id = id
        info.principal = "b"
        let effects = master.subscribe(info, stream: "t")
        #expect(
            effects.events(to: "t") == [
                .error(.init(message: "Changing framework's principal is not allowed."))
            ])
        #expect(master.state.framework(id)?.streamID == "s")
    }
}

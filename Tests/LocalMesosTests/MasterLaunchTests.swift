import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterLaunchTests {
    /// A master with one agent and one subscribed framework holding one offer.
    private func setUp(partitionAware: Bool = false) throws -> (MasterHarness, FrameworkID, Offer) {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(.test(partitionAware: partitionAware), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        return (master, id, offer)
    }

    private func accept(
        _ master: inout MasterHarness, _ id: FrameworkID, _ offers: [OfferID], _ tasks: [TaskInfo],
        filters: Filters? = nil
    ) throws -> [MasterEffect] {
        try master.call(
            id, .accept(.init(offerIDs: offers, operations: [.launch(tasks)], filters: filters)),
            stream: "s")
    }

    @Test func validLaunchGoesToTheAgentAndLeavesTheRestForLater() throws {
        var (master, id, offer) = try setUp()
        let task = TaskInfo.withExecutor("t1", on: offer, cpus: 1, mem: 512, ports: [31000...31001])
        let effects = try accept(&master, id, [offer.id], [task])
        let launch = try #require(effects.launches.first)
        #expect(launch.task.taskID == "t1")
        #expect(launch.task.executor?.frameworkID == id)
        #expect(launch.frameworkID == id)
        #expect(effects.updates(to: "s").isEmpty)
        #expect(master.state.task("t1", of: id)?.state == .staging)

        // The unused rest is declined with the default 5 s filter, then offered without what the task uses.
        #expect(master.advance(4).offers(to: "s").isEmpty)
        let again = try #require(master.advance(2).offers(to: "s").first)
        let left = ResourceBag(again.resources)
        #expect(left.scalar("cpus") == 2.9)
        #expect(left.scalar("mem") == 4096 - 512 - 32)
        #expect(left.ranges("ports") == [31002...32000])
        #expect(again.executorIDs == ["t1.exec"])
    }

    @Test func theExecutorIsCountedOnlyOnce() throws {
        var (master, id, offer) = try setUp()
        var second = TaskInfo.withExecutor("t1", on: offer)
        second.taskID = "t2"
        _ = try accept(
            &master, id, [offer.id], [.withExecutor("t1", on: offer), second],
            filters: Filters(refuseSeconds: 0))
        let again = try #require(master.advance(1).offers(to: "s").first)
        #expect(ResourceBag(again.resources).scalar("cpus") == 4 - 2 - 0.1)
    }

    @Test func launchExceedingItsOfferIsTaskError() throws {
        var (master, id, offer) = try setUp()
        let effects = try accept(
            &master, id, [offer.id], [.withExecutor("big", on: offer, cpus: 8)])
        #expect(effects.launches.isEmpty)
        let status = try #require(effects.updates(to: "s").first)
        #expect(status.state == .error)
        #expect(status.reason == .taskInvalid)
        #expect(status.source == .master)
        #expect(status.uuid == nil)
        #expect(
            status.message?.hasPrefix(
                "Total resources cpus:8.1; mem:544 required by task and its executor is more than available"
            ) == true)
        #expect(master.state.task("big", of: id) == nil)
    }

    @Test func portsOutsideTheOfferAreTaskError() throws {
        var (master, id, offer) = try setUp()
        let effects = try accept(
            &master, id, [offer.id], [.withExecutor("p", on: offer, ports: [30999...31000])])
        #expect(effects.updates(to: "s").map(\.state) == [.error])
    }

    @Test func tasksOfOneAcceptShareTheOffer() throws {
        var (master, id, offer) = try setUp()
        var second = TaskInfo.withExecutor("t2", on: offer, cpus: 2)
        second.executor?.executorID = "other"
        let effects = try accept(
            &master, id, [offer.id], [.withExecutor("t1", on: offer, cpus: 2), second])
        #expect(effects.launches.map(\.task.taskID) == ["t1"])
        #expect(effects.updates(to: "s").map(\.taskID) == ["t2"])
    }

    @Test func duplicateTaskIDsAreTaskError() throws {
        var (master, id, offer) = try setUp()
        let effects = try accept(
            &master, id, [offer.id],
            [.withExecutor("t1", on: offer), .withExecutor("t1", on: offer)])
        #expect(effects.launches.count == 1)
        #expect(effects.updates(to: "s").first?.message == "Task has duplicate ID: t1")
    }

    @Test func taskForAnotherAgentIsTaskError() throws {
        var (master, id, offer) = try setUp()
        var task = TaskInfo.withExecutor("t1", on: offer)
        task.agentID = "elsewhere"
        let effects = try accept(&master, id, [offer.id], [task])
        #expect(
            effects.updates(to: "s").first?.message
                == "Task uses invalid agent elsewhere while agent \(offer.agentID) is expected")
    }

    @Test func taskNeedsExactlyOneOfExecutorAndCommand() throws {
        var (master, id, offer) = try setUp()
        var task = TaskInfo.withExecutor("t1", on: offer)
        task.command = CommandInfo(value: "sleep 1")
        let effects = try accept(&master, id, [offer.id], [task])
        #expect(
            effects.updates(to: "s").first?.message
                == "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"
        )
    }

    @Test func commandTaskLaunchesWithoutExecutor() throws {
        var (master, id, offer) = try setUp()
        let task = TaskInfo(
            name: "cmd", taskID: "cmd", agentID: offer.agentID, resources: [.scalar("cpus", 0.1)],
            command: CommandInfo(value: "echo hi"))
        let effects = try accept(&master, id, [offer.id], [task])
        #expect(effects.launches.map(\.task.taskID) == ["cmd"])
    }

    @Test func launchGroupIsRefusedClearly() throws {
        var (master, id, offer) = try setUp()
        let group = Offer.Operation.launchGroup(
            .init(
                executor: ExecutorInfo(type: .default, executorID: "g"),
                taskGroup: TaskGroupInfo(tasks: [.withExecutor("g1", on: offer)])))
        let effects = try master.call(
            id, .accept(.init(offerIDs: [offer.id], operations: [group])), stream: "s")
        let status = try #require(effects.updates(to: "s").first)
        #expect(status.state == .error)
        #expect(status.reason == .taskGroupInvalid)
        #expect(status.message?.contains("LAUNCH_GROUP is not supported") == true)
    }

    @Test func reusedOfferIsTaskLostWithInvalidOffers() throws {
        var (master, id, offer) = try setUp()
        _ = try accept(&master, id, [offer.id], [.withExecutor("t1", on: offer)])
        let effects = try accept(&master, id, [offer.id], [.withExecutor("t2", on: offer)])
        let status = try #require(effects.updates(to: "s").first)
        #expect(status.state == .lost)
        #expect(status.reason == .invalidOffers)
        #expect(
            status.message
                == "Task launched with invalid offers: Offer \(offer.id) is no longer valid")
    }

    @Test func invalidOffersAreTaskDroppedForPartitionAwareFrameworks() throws {
        var (master, id, offer) = try setUp(partitionAware: true)
        let effects = try accept(&master, id, ["m-O99"], [.withExecutor("t1", on: offer)])
        #expect(effects.updates(to: "s").map(\.state) == [.dropped])
    }

    @Test func offersFromTwoAgentsCannotBeCombined() throws {
        var master = MasterHarness(agents: 2)
        let id = try master.subscribeNew(stream: "s")
        let ids = master.state.offers.keys.sorted()
        let offer = try #require(master.state.offers[ids[0]]?.offer)
        let effects = try accept(&master, id, ids, [.withExecutor("t1", on: offer)])
        #expect(
            effects.updates(to: "s").first?.message?.contains(
                "Aggregated offers must belong to one single agent") == true)
        // Both offers are gone; their resources come back in the next round.
        #expect(master.state.offers.isEmpty)
        #expect(master.advance(1).offers(to: "s").count == 2)
    }
}

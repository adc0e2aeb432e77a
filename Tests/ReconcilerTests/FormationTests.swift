import Reconciler
import Testing

@Suite("Initial launch, placement and pacing")
struct FormationTests {
    @Test func aBrandNewClusterGrowsOneMemberAtATimeOnDistinctHosts() {
        var h = Harness(size: 3)
        h.formCluster()
        let launches = h.world.launches
        #expect(launches.count == 3)
        #expect(launches.map(\.initialClusterState) == [.new, .existing, .existing])
        #expect(Set(launches.map(\.member.host)).count == 3)
        #expect(h.world.newClusterLaunches == 1)
        #expect(launches[0].initialCluster.count == 1)
        #expect(launches[2].initialCluster.count == 3)
        #expect(
            launches[2].initialCluster[0].name == launches[2].member.name,
            "the member itself comes first")
        #expect(h.stats.launchedServers == 3 && h.stats.runningServers == 3 && h.stats.healthy == 1)
        #expect(h.stats.clusterEpoch == 1)
        #expect(
            launches.allSatisfy {
                $0.resources == h.configuration.taskResources && $0.clusterEpoch == 1
            })
    }

    @Test func theSecondLaunchWaitsForTheChill() {
        var h = Harness(size: 3)
        h.subscribe()
        let first = h.send(.offers([h.offer(host: 2), h.offer(host: 3), h.offer(host: 4)]))
        #expect(first.launches.count == 1, "one launch per attempt, however many offers")
        h.deliver()
        let observed = h.observe()
        #expect(observed.addedPeerURLs.isEmpty)
        let beforeChill = h.tick(at: .origin + .milliseconds(9999))
        #expect(beforeChill.addedPeerURLs.isEmpty)
        let afterChill = h.tick(at: .seconds(10))
        #expect(afterChill.addedPeerURLs.count == 1)
        let launch = h.deliver().launches
        #expect(launch.count == 1 && launch[0].initialClusterState == .existing)
        #expect(launch[0].member.host == "127.0.0.3", "the held offer from the next host is used")
    }

    @Test func twoOffersFromOneHostInOneBatchGiveAtMostOneLaunch() {
        var h = Harness(size: 3)
        h.subscribe()
        let a = h.offer(host: 2)
        let b = h.offer(host: 2)
        let actions = h.send(.offers([a, b]))
        #expect(actions.launches.count == 1)
        #expect(actions.launches.first?.offerID == a.id)
        #expect(actions.declines == [b.id])
    }

    @Test func offersFromAHostThatRunsAMemberAreDeclinedWithTheRefuseFilter() {
        var h = Harness(size: 3) { $0.offerRefuseSeconds = 7 }
        h.subscribe()
        h.send(.offers([h.offer(host: 2)]))
        h.deliver()
        let again = h.offer(host: 2)
        let actions = h.send(.offers([again]))
        #expect(actions.contains(.decline(again.id, refuseSeconds: 7)))
        #expect(actions.logLines.contains { $0.contains("host already runs a member") })
    }

    @Test func offersTooSmallAreDeclined() {
        var h = Harness(size: 3)
        h.subscribe()
        let small = h.offer(host: 2, cpus: 0.5)
        let fewPorts = h.offer(host: 3, ports: [31000...31001])
        let actions = h.send(.offers([small, fewPorts]))
        #expect(actions.launches.isEmpty)
        #expect(Set(actions.declines) == [small.id, fewPorts.id])
        #expect(actions.logLines.contains { $0.contains("cpus offered") })
    }

    @Test func unneededOffersAreDeclinedAndOffersSuppressedOnceFull() {
        var h = Harness(size: 3)
        h.formCluster()
        #expect(h.world.suppressed)
        let late = h.offer(host: 6)
        let actions = h.send(.offers([late]))
        #expect(actions.declines == [late.id])
        #expect(actions.refuseSeconds == [15])
    }

    @Test func offersAreRevivedWhenAMemberIsNeededAndSuppressedWhenNot() {
        var h = Harness(size: 3)
        let subscribed = h.send(.subscribed(frameworkID: "fw"))
        #expect(subscribed.revives == 1, "a new cluster needs members at once")
        let formed = h.run(until: \.isSettled)
        #expect(formed)
        #expect(h.log.suppresses == 1)
        h.world.loseAgent(3)
        let loss = h.deliver()
        #expect(loss.revives == 1)
        let healed = h.run(until: \.isSettled)
        #expect(healed)
        #expect(h.log.suppresses == 2)
    }

    @Test func aHeldOfferIsDeclinedAfterTheHoldLimit() {
        var h = Harness(size: 3) { $0.offerHoldLimit = .seconds(5) }
        h.subscribe()
        h.send(.offers([h.offer(host: 2)]))
        h.deliver()
        let held = h.offer(host: 3)
        h.send(.offers([held]))
        let early = h.tick(at: .seconds(4))
        #expect(early.declines.isEmpty)
        let late = h.tick(at: .seconds(5))
        #expect(late.declines == [held.id])
    }

    @Test func theLaunchIsPersistedBeforeItIsSent() throws {
        var h = Harness(size: 3)
        h.subscribe()
        let actions = h.send(.offers([h.offer(host: 2)]))
        let persistAt = try #require(
            actions.position { if case .persist = $0 { true } else { false } })
        let launchAt = try #require(
            actions.position { if case .launch = $0 { true } else { false } })
        #expect(persistAt < launchAt)
        let launch = try #require(actions.launches.first)
        #expect(actions.persists.last?.tasks.map(\.taskID) == [launch.taskID])
        #expect(actions.persists.last?.frameworkID == "framework-1")
    }

    @Test func memberNamesCountUpFromTheConfiguredIndex() {
        var h = Harness(size: 3) { $0.firstMemberIndex = 1_700_000_000 }
        h.formCluster()
        #expect(
            h.world.launches.map(\.member.name) == [
                "etcd-1700000000", "etcd-1700000001", "etcd-1700000002",
            ])
        #expect(h.world.launches[0].taskName == h.world.launches[0].taskID.rawValue)
    }

    @Test func withLearnersOffEveryMemberIsAddedAsAVoter() {
        var h = Harness(size: 3) { $0.addMembersAsLearners = false }
        h.formCluster()
        #expect(h.log.promotedMembers.isEmpty)
        #expect(
            h.log.contains {
                if case .addMember(_, let learner, _) = $0 { !learner } else { false }
            })
    }

    @Test func learnersArePromotedBeforeTheNextMemberIsAdded() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let relevant = h.log.filter {
            switch $0 {
            case .addMember, .promoteMember: true
            default: false
            }
        }
        #expect(relevant.count == 4)
        guard relevant.count == 4 else { return }
        #expect(
            relevant.map { if case .addMember = $0 { "add" } else { "promote" } } == [
                "add", "promote", "add", "promote",
            ])
    }
}

import Reconciler
import Testing

@Suite("Replacing lost members")
struct ReplacementTests {
    @Test func aLostMinorityMemberIsRemovedFromEtcdBeforeItsReplacementIsAdded() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let victim = try #require(h.task(onHost: 3))
        let deadID = try #require(h.world.member(of: victim)?.id)
        let before = h.log.count
        h.world.loseAgent(3)
        h.deliver()
        #expect(h.stats.failedServers == 1 && h.stats.runningServers == 2)
        let healed = h.run(until: \.isSettled, within: .seconds(60)) { $0.expectWithinBounds() }
        #expect(healed)
        let after = Array(h.log[before...])
        let removal = try #require(
            after.position { if case .removeMember(deadID, _) = $0 { true } else { false } })
        let add = try #require(after.position { if case .addMember = $0 { true } else { false } })
        let launchAt = try #require(after.position { if case .launch = $0 { true } else { false } })
        #expect(removal < add && add < launchAt)
        let replacement = try #require(after.launches.first)
        #expect(replacement.initialClusterState == .existing)
        #expect(!replacement.initialCluster.contains { $0.peerURL.hasPrefix("http://127.0.0.3:") })
        #expect(replacement.initialCluster.count == 3)
        #expect(h.stats.launchedServers == 4)
    }

    /// Membership changes are served by the leader: every etcd call names the member the last probe found
    /// leading first, then the other running members; the lost one is not among them.
    @Test func etcdCallsGoToTheLeaderFirst() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let leaderID = h.world.leaderID
        let leaderPeerURL = try #require(
            h.world.members.first { $0.id == leaderID }?.peerURLs.first)
        let victimHost = try #require(
            [2, 3, 4].first { host in
                h.task(onHost: host).flatMap { h.world.member(of: $0) }?.id != leaderID
            })
        let before = h.log.count
        h.world.loseAgent(victimHost)
        h.deliver()
        let healed = h.run(until: \.isSettled, within: .seconds(60))
        #expect(healed)
        let targets = h.log[before...].compactMap { action -> [MemberIdentity]? in
            switch action {
            case .addMember(_, _, let via), .removeMember(_, let via), .promoteMember(_, let via):
                via
            default: nil
            }
        }
        #expect(targets.count >= 2)
        for via in targets {
            #expect(via.first?.peerURL == leaderPeerURL)
            #expect(!via.contains { $0.host == "127.0.0.\(victimHost)" })
        }
    }

    /// The chill paces launches; a replacement long after the last launch waits for nothing but an offer.
    @Test func aReplacementLongAfterTheLastLaunchIsQuick() {
        var h = Harness(size: 3)
        h.formCluster()
        h.tick(.seconds(600))
        let lostAt = h.now
        h.world.loseAgent(2)
        h.deliver()
        let healed = h.run(until: \.isSettled, within: .seconds(60))
        #expect(healed)
        #expect(
            h.now - lostAt <= .seconds(5),
            "simulated time from loss to 3 healthy: \(h.now - lostAt)")
    }

    @Test func aFlappingMemberNeverDuplicatesMembersOrExceedsTheSize() {
        var h = Harness(size: 3, agents: 5)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.failingHosts = ["127.0.0.5", "127.0.0.6"]
        h.deliver()
        let launchesBefore = h.world.launches.count
        for _ in 0..<120 {
            h.step()
            h.expectWithinBounds()
        }
        let flaps = h.world.launches.count - launchesBefore
        #expect(flaps >= 5, "it keeps trying: \(flaps) launches")
        #expect(flaps <= 13, "at most one launch per chill: \(flaps) launches in 120 s")
        #expect(h.stats.runningServers == 2)
        h.world.failingHosts = []
        let healed = h.run(until: \.isSettled, within: .seconds(60)) { $0.expectWithinBounds() }
        #expect(healed)
    }

    @Test func aFailedRemovalIsRetriedWithBackoff() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let victim = try #require(h.task(onHost: 4))
        let deadID = try #require(h.world.member(of: victim)?.id)
        h.world.membershipCallsFail = true
        h.world.loseAgent(4)
        let first = h.deliver()
        #expect(first.removedMembers == [deadID])
        let early = h.tick(.milliseconds(900))
        #expect(early.removedMembers.isEmpty)
        let second = h.tick(.milliseconds(100))
        #expect(second.removedMembers == [deadID])
        h.deliver()
        let notYet = h.tick(.milliseconds(1900))
        #expect(notYet.removedMembers.isEmpty)
        let third = h.tick(.milliseconds(100))
        #expect(third.removedMembers == [deadID])
        #expect(h.log.addedPeerURLs.count == 2, "no add while the dead member is still listed")
        h.world.membershipCallsFail = false
        let healed = h.run(until: \.isSettled, within: .seconds(60))
        #expect(healed)
    }

    @Test func anAddInFlightIsNeverIssuedTwiceAndALateAnswerIsCleanedUp() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.holdMembershipResults = true
        h.world.loseAgent(3)
        h.deliver()
        h.world.releaseHeldResults()
        h.deliver()  // the removal answer
        let maybeAddedAt = h.stepUntilAdd()
        let addedAt = try #require(maybeAddedAt)
        for _ in 0..<25 { h.step() }
        #expect(h.log.addedPeerURLs.count == 3, "two to form, one in flight")
        #expect(h.world.heldResults.count == 1)
        h.tick(at: addedAt + .seconds(30))
        #expect(h.log.logLines.contains { $0.contains("no answer within") })
        h.world.releaseHeldResults()
        h.world.holdMembershipResults = false
        h.deliver()
        let healed = h.run(until: \.isSettled, within: .seconds(120)) { $0.expectWithinBounds() }
        #expect(healed)
        #expect(
            h.world.members.allSatisfy { !$0.name.isEmpty }, "the member added too late was removed"
        )
    }

    @Test func anOfferRescindedDuringTheAddLeavesNoOrphanMember() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.holdMembershipResults = true
        h.world.loseAgent(3)
        h.deliver()
        h.world.releaseHeldResults()
        h.deliver()
        let maybeAddedAt = h.stepUntilAdd()
        try #require(maybeAddedAt != nil)
        let reservedHost = try #require(
            h.world.heldResults.first.flatMap { event -> String? in
                if case .memberAdded(let url, _, _) = event { url } else { nil }
            })
        let offerID = try #require(
            h.world.outstandingOffers.first { reservedHost.contains($0.value) }?.key)
        h.send(.offerRescinded(offerID))
        h.world.outstandingOffers[offerID] = nil
        h.world.releaseHeldResults()
        h.world.holdMembershipResults = false
        let added = h.deliver()
        #expect(added.launches.isEmpty)
        #expect(added.logLines.contains { $0.contains("no offer left") })
        let healed = h.run(until: \.isSettled, within: .seconds(120)) { $0.expectWithinBounds() }
        #expect(healed)
        #expect(h.world.members.allSatisfy { !$0.name.isEmpty }, "the orphan member was removed")
    }

    @Test func aTaskStuckBeforeRunningIsKilledAfterTheLaunchTimeout() throws {
        var h = Harness(size: 1)
        h.subscribe()
        let launch = try #require(h.send(.offers([h.offer(host: 2)])).launches.first)
        h.send(
            .taskStatus(
                TaskStatusUpdate(taskID: launch.taskID, state: .staging, agentID: launch.agentID)))
        let early = h.tick(at: .seconds(239))
        #expect(early.kills.isEmpty)
        let late = h.tick(at: .seconds(240))
        #expect(late.kills == [launch.taskID])
        let retry = h.tick(at: .seconds(270))
        #expect(retry.kills == [launch.taskID], "an unanswered kill is sent again")
    }
}

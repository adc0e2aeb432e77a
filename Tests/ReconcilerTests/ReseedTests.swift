import Reconciler
import Testing

@Suite("Reseed after a livelock")
struct ReseedTests {
    /// Key test 2 of the original, and its defect: the dead members cannot be removed without quorum,
    /// and the automatic reseed must fire anyway.
    @Test func aMajorityLossReseedsExactlyAtTheTimeoutAndGrowsBack() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let survivor = try #require(h.task(onHost: 2))
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        #expect(h.log.logLines.contains { $0.contains("member remove") && $0.contains("failed") })
        h.observe()
        let livelockStart = h.now
        h.observe(times: 1)
        #expect(h.stats.clusterLivelocks == 1)
        let early = h.tick(at: livelockStart + .seconds(240) - .milliseconds(1))
        #expect(early.reseeds.isEmpty)
        let due = h.tick(at: livelockStart + .seconds(240))
        #expect(due.reseeds.map(\.taskID) == [survivor])
        #expect(h.stats.clusterReseeds == 1)
        #expect(h.phase == .reseeding(seed: survivor))
        let healed = h.run(until: \.isSettled, within: .seconds(120)) { $0.expectWithinBounds() }
        #expect(healed)
        #expect(
            h.world.newClusterLaunches == 1,
            "growing back adds members; it never starts another cluster")
        #expect(h.stats.clusterEpoch == 2)
        #expect(
            h.world.launches.suffix(2).allSatisfy {
                $0.initialClusterState == .existing && $0.clusterEpoch == 2
            })
    }

    @Test func withAutoReseedOffOnlyTheOperatorReseeds() throws {
        var h = Harness(size: 3) { $0.autoReseed = false }
        h.formCluster()
        let survivor = try #require(h.task(onHost: 4))
        h.world.loseAgent(2)
        h.world.loseAgent(3)
        h.deliver()
        h.observe(times: 2)
        #expect(h.stats.clusterLivelocks == 1)
        #expect(h.log.logLines.contains { $0.contains("POST /reseed") })
        for _ in 0..<1000 { h.tick() }
        #expect(h.log.reseeds.isEmpty && h.stats.clusterReseeds == 0)
        let request = h.send(.operatorRequestedReseed)
        #expect(request.answers.map(\.outcome) == [.accepted])
        #expect(request.reseeds.map(\.taskID) == [survivor])
        let again = h.send(.operatorRequestedReseed)
        #expect(again.answers.map(\.outcome) == [.alreadyInProgress])
        #expect(again.reseeds.isEmpty && h.stats.clusterReseeds == 1)
        let healed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(healed)
    }

    @Test func aReseedIsRefusedWhileTheClusterHasQuorum() {
        var h = Harness(size: 3)
        h.formCluster()
        let answer = h.send(.operatorRequestedReseed)
        #expect(answer.answers.map(\.outcome) == [.refused])
        #expect(answer.answers.first?.message.contains("quorum") == true)
        #expect(answer.reseeds.isEmpty && h.stats.clusterReseeds == 0)
    }

    @Test func aReseedIsRefusedBeforeSyncAndBeforeAnyProbe() {
        var h = Harness(size: 3)
        let unsynced = h.send(.operatorRequestedReseed)
        #expect(unsynced.answers.first?.outcome == .refused)
        #expect(unsynced.answers.first?.message.contains("not in sync") == true)
        h.subscribe()
        h.send(.offers([h.offer(host: 2)]))
        h.deliver()
        let unprobed = h.send(.operatorRequestedReseed)
        #expect(unprobed.answers.first?.message.contains("no health probe") == true)
    }

    @Test func theReachableSurvivorWithTheHighestRaftIndexIsTheSeed() throws {
        var h = Harness(size: 5, agents: 5)
        h.formCluster()
        h.setRaftIndex(99, host: 2)  // the best index, but it does not answer
        h.setRaftIndex(50, host: 3)
        h.setRaftIndex(40, host: 4)
        h.setRaftIndex(60, host: 5)
        h.cutOff(hosts: [2, 6])
        h.world.loseAgent(5)
        h.deliver()
        h.observe(times: 2)
        #expect(h.stats.clusterLivelocks == 1)
        let best = try #require(h.task(onHost: 3))
        let order = h.send(.operatorRequestedReseed)
        #expect(order.reseeds.map(\.taskID) == [best])
    }

    @Test func tiesOnRaftIndexGoToTheHigherRevisionThenTheLowerName() {
        var h = Harness(size: 3)
        h.subscribe()
        let ids = [2, 3, 4].map {
            MemberIdentity(
                index: $0, host: "127.0.0.\($0)", peerPort: 1, clientPort: 2, reseedPort: 3)
        }
        for identity in ids {
            h.send(
                .taskStatus(
                    TaskStatusUpdate(taskID: identity.taskID, state: .running, agentID: "agent")))
        }
        let members = ids.enumerated().map {
            EtcdMember(
                id: EtcdMemberID($0.offset + 1), name: $0.element.name,
                peerURLs: [$0.element.peerURL])
        }
        func status(_ id: Int, revision: Int64) -> MemberStatus {
            MemberStatus(
                memberID: EtcdMemberID(id), leaderID: 0, raftIndex: 77, raftTerm: 4,
                revision: revision)
        }
        let observation = ClusterObservation(
            members: members,
            probes: [
                MemberProbe(taskID: ids[0].taskID, status: status(1, revision: 5)),
                MemberProbe(taskID: ids[1].taskID, status: status(2, revision: 9)),
                MemberProbe(taskID: ids[2].taskID, status: status(3, revision: 9)),
            ])
        h.send(.clusterObserved(observation))
        let order = h.send(.operatorRequestedReseed)
        #expect(order.reseeds.map(\.taskID) == [ids[1].taskID])
    }

    @Test func offersDuringAReseedAreDeclined() {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        h.world.holdMembershipResults = true
        let order = h.send(.operatorRequestedReseed)
        #expect(order.reseeds.count == 1)
        let offers = [h.offer(host: 5), h.offer(host: 6)]
        let actions = h.send(.offers(offers))
        #expect(actions.launches.isEmpty)
        #expect(Set(actions.declines) == Set(offers.map(\.id)))
        #expect(h.world.suppressed)
    }

    /// A partition: the others still run. Nothing is killed until the seed leads its new cluster.
    @Test func theOthersAreKilledOnlyOnceTheSeedIsHealthy() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let seed = try #require(h.task(onHost: 4))
        let others = Set([2, 3].compactMap { h.task(onHost: $0) })
        h.setRaftIndex(99, host: 4)
        h.cutOff(hosts: [2, 3])
        h.observe(times: 2)
        let order = h.send(.operatorRequestedReseed)
        #expect(order.reseeds.map(\.taskID) == [seed] && order.kills.isEmpty)
        h.tick()
        h.observe()
        #expect(h.log.kills.isEmpty, "the seed has not confirmed its restart yet")
        h.deliver()  // reseedFinished
        let healthy = h.observe()
        #expect(Set(healthy.kills) == others && healthy.kills.count == 2)
        #expect(h.phase == .mutable)
        let healed = h.run(until: \.isSettled, within: .seconds(120)) { $0.expectWithinBounds() }
        #expect(healed)
        #expect(h.stats.failedServers == 2, "the reseed kills are counted")
    }

    @Test func theNextCandidateIsTriedWhenTheSeedDoesNotBecomeHealthy() throws {
        var h = Harness(size: 5, agents: 5)
        h.formCluster()
        h.setRaftIndex(90, host: 2)
        h.setRaftIndex(80, host: 3)
        h.cutOff(hosts: [4, 5, 6])
        h.observe(times: 2)
        let seeds = [2, 3].compactMap { h.world.task(onHost: $0) }
        try #require(seeds.count == 2)
        h.world.reseedOrdersLost = true
        let first = h.send(.operatorRequestedReseed)
        #expect(first.reseeds.map(\.taskID) == [seeds[0]])
        let orderedAt = h.now
        let early = h.tick(at: orderedAt + .seconds(239))
        #expect(early.reseeds.isEmpty)
        let next = h.tick(at: orderedAt + .seconds(240))
        #expect(next.reseeds.map(\.taskID) == [seeds[1]])
        #expect(next.kills.isEmpty, "nothing is killed before a seed is healthy")
        #expect(h.stats.clusterReseeds == 1)
    }

    @Test func whenNoCandidateBecomesHealthyNothingIsKilledAndTheNextTryWaitsATimeout() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        h.world.reseedOrdersLost = true
        let first = h.send(.operatorRequestedReseed)
        #expect(first.reseeds.count == 1)
        let failedAt = h.now + .seconds(240)
        let gaveUp = h.tick(at: failedAt)
        #expect(gaveUp.reseeds.isEmpty && gaveUp.kills.isEmpty)
        #expect(gaveUp.logLines.contains { $0.contains("nothing was killed") })
        guard case .livelocked(let since) = h.phase else {
            Issue.record("phase is \(h.phase)")
            return
        }
        #expect(since == failedAt)
        let retry = h.tick(at: failedAt + .seconds(240))
        #expect(retry.reseeds.count == 1, "auto reseed tries again after another timeout")
        #expect(h.stats.clusterReseeds == 2)
    }

    /// Issue #41: a scheduler that dies after choosing a seed reseeds from the same member on restart.
    @Test func aReseedInterruptedByASchedulerRestartIsResumedWithTheSameSeed() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        let order = h.send(.operatorRequestedReseed)
        let seed = try #require(order.reseeds.first?.taskID)
        #expect(h.world.persisted?.reseedSeed == seed)
        h.world.queued = []
        h.restartScheduler()
        h.send(.subscribed(frameworkID: "framework-1"))
        let resumed = h.deliver()
        #expect(resumed.reseeds.map(\.taskID) == [seed])
        let healed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(healed)
        #expect(h.world.persisted?.reseedSeed == nil)
    }

    /// Issue #41: a scheduler that starts while the cluster is already livelocked still reseeds.
    @Test func aSchedulerStartingIntoALivelockStillReseeds() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler()
        h.world.wipeAgentSilently(2)
        h.world.wipeAgentSilently(3)
        h.subscribe()
        h.observe(times: 2)
        #expect(h.stats.clusterLivelocks == 1)
        let healed = h.run(until: \.isSettled, within: .seconds(400))
        #expect(healed)
        #expect(h.stats.clusterReseeds == 1)
    }

    /// docs/original-behaviour.md §10: a crash of the seed after it was forced into a new cluster, before anything grew back.
    @Test func theSeedDyingRightAfterTheReseedLeadsToTheTotalLossWaitNotAnEmptyCluster() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let seed = try #require(h.task(onHost: 2))
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        h.send(.operatorRequestedReseed)
        h.deliver()
        h.observe()
        #expect(h.phase == .mutable)
        h.send(
            .taskStatus(
                TaskStatusUpdate(
                    taskID: seed, state: .failed, agentID: "agent-2", message: "etcd exited")))
        #expect(h.phase == .awaitingOperator)
        #expect(h.world.newClusterLaunches == 1)
    }

    @Test func aMasterReconnectDuringAReseedDoesNotOrderItAgain() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        h.world.reseedOrdersLost = true
        let order = h.send(.operatorRequestedReseed)
        let seed = try #require(order.reseeds.first?.taskID)
        h.disconnect()
        h.subscribe()
        #expect(h.phase == .reseeding(seed: seed))
        #expect(h.log.reseeds.count == 1)
        h.world.reseedOrdersLost = false
        h.world.carryOut(order.filter { if case .reseed = $0 { true } else { false } }, now: h.now)  // arrives late
        h.deliver()
        h.observe()
        let healed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(healed)
    }
}

import Reconciler
import Testing

/// A seed from a backup starts every member at once, each restoring the snapshot with the full initial
/// cluster (etcd's disaster-recovery procedure), instead of one member that the others copy over raft.
@Suite("Parallel seed from a backup")
struct ParallelSeedTests {
    @Test(arguments: [3, 5])
    func everyMemberOfTheSeedRestoresTheBackupWithTheFullInitialCluster(size: Int) {
        var h = Harness(size: size) { $0.totalLoss = .restore(backupID: "b-seed") }
        h.subscribe()
        let launches = h.send(.offers((2..<(2 + size)).map { h.offer(host: $0) })).launches
        #expect(launches.count == size)
        #expect(launches.allSatisfy { $0.restoreFromBackup == "b-seed" })
        #expect(launches.allSatisfy { $0.initialClusterState == .new && $0.clusterEpoch == 1 })
        #expect(Set(launches.map(\.member.host)).count == size, "one member per agent")
        let everyone = Set(launches.map(\.member.peerURL))
        for launch in launches {
            #expect(launch.initialCluster.first?.peerURL == launch.member.peerURL)
            #expect(Set(launch.initialCluster.map(\.peerURL)) == everyone)
        }
        #expect(h.log.logLines.contains { $0.contains("with \(size) of \(size) members at once") })
        let settled = h.run(until: \.isSettled, within: .seconds(120))
        #expect(settled)
        #expect(h.world.launches.count == size, "no member was added over raft")
        #expect(h.log.addedPeerURLs.isEmpty)
    }

    /// Offers from too few agents: the seed waits `seedOfferWait` for more, then seeds with those and adds
    /// the rest as usual (they join the restored members; only the seed restores).
    @Test func tooFewAgentsSeedAfterTheWaitAndTheRestJoin() {
        var h = Harness(size: 3) { $0.totalLoss = .restore(backupID: "b-seed") }
        h.subscribe()
        #expect(h.send(.offers([2, 3].map { h.offer(host: $0) })).launches.isEmpty)
        #expect(h.tick(.seconds(5)).launches.isEmpty)
        let seeds = h.tick(.seconds(6)).launches
        #expect(seeds.map(\.restoreFromBackup) == ["b-seed", "b-seed"])
        #expect(seeds.allSatisfy { $0.initialCluster.count == 2 })
        h.deliver()
        let settled = h.run(until: \.isSettled, within: .seconds(120))
        #expect(settled)
        let joined = Array(h.world.launches.dropFirst(2))
        #expect(joined.count == 1)
        #expect(joined.first?.initialClusterState == .existing)
        #expect(joined.first?.restoreFromBackup == nil)
    }

    /// A member lost during the seed is replaced as any lost member: its etcd member removed, a new one added
    /// (not restored: it joins the survivors, who hold the snapshot).
    @Test func aMemberLostDuringTheSeedIsReplaced() {
        var h = Harness(size: 3) { $0.totalLoss = .restore(backupID: "b-seed") }
        h.subscribe()
        let seeds = h.send(.offers([2, 3, 4].map { h.offer(host: $0) })).launches
        #expect(seeds.count == 3)
        h.world.loseAgent(3)
        h.deliver()
        let settled = h.run(until: \.isSettled, within: .seconds(180))
        #expect(settled)
        #expect(h.log.removedMembers.count == 1)
        let replacement = Array(h.world.launches.dropFirst(3))
        #expect(replacement.count == 1)
        #expect(replacement.first?.initialClusterState == .existing)
        #expect(replacement.first?.restoreFromBackup == nil)
        #expect(replacement.first?.member.host != "127.0.0.3")
    }

    /// A cluster started empty (no backup) is unchanged: one member, the others added.
    @Test func anEmptyStartStillStartsOneMemberAndAddsTheOthers() {
        var h = Harness(size: 3)
        h.subscribe()
        #expect(h.send(.offers([2, 3, 4].map { h.offer(host: $0) })).launches.count == 1)
    }
}

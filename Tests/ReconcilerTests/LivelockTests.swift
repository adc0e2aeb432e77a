import Reconciler
import Testing

@Suite("Livelock detection")
struct LivelockTests {
    @Test func aMajorityLossIsALivelockCountedOncePerEpisode() {
        var h = Harness(size: 3)
        h.formCluster()
        h.cutOff(hosts: [3, 4])
        h.observe(times: 10)
        #expect(h.stats.clusterLivelocks == 1)
        #expect(h.stats.healthy == 0)
        guard case .livelocked = h.phase else {
            Issue.record("phase is \(h.phase)")
            return
        }
        h.reconnect(hosts: [3, 4])
        h.observe(times: 1)
        #expect(h.stats.healthy == 1 && h.phase == .mutable)
        h.cutOff(hosts: [2, 3])
        h.observe(times: 5)
        #expect(h.stats.clusterLivelocks == 2)
    }

    /// One probe without a leader can be an election in progress.
    @Test func aSingleProbeWithoutQuorumIsNotYetALivelock() {
        var h = Harness(size: 3)
        h.formCluster()
        h.cutOff(hosts: [3, 4])
        h.observe(times: 1)
        #expect(h.stats.healthy == 0, "healthy reports the last probe")
        #expect(h.stats.clusterLivelocks == 0)
        h.reconnect(hosts: [3, 4])
        h.observe(times: 1)
        #expect(h.stats.healthy == 1 && h.stats.clusterLivelocks == 0)
    }

    /// docs/original-behaviour.md §6.2: an idle etcd v3 cluster keeps its raft index; it must not be called stalled.
    @Test func anIdleClusterStaysHealthyForever() {
        var h = Harness(size: 3)
        h.formCluster()
        let index = h.world.tasks.values.map(\.raftIndex)
        h.observe(times: 600)
        #expect(h.world.tasks.values.map(\.raftIndex) == index)
        #expect(
            h.stats.healthy == 1 && h.stats.clusterLivelocks == 0 && h.stats.clusterReseeds == 0)
    }

    /// All tasks RUNNING, but no quorum: the original never even made a launch attempt here.
    @Test func aPartitionWithEveryTaskRunningIsDetected() {
        var h = Harness(size: 3)
        h.formCluster()
        h.cutOff(hosts: [2, 3])
        h.observe(times: 2)
        #expect(h.stats.runningServers == 3)
        #expect(h.stats.clusterLivelocks == 1)
    }

    @Test func noMembershipChangeOrLaunchIsTriedDuringALivelock() {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        #expect(h.stats.clusterLivelocks == 1)
        let start = h.log.count
        for _ in 0..<100 { h.step() }
        let during = h.log[start...]
        #expect(
            during.removedMembers.isEmpty && during.addedPeerURLs.isEmpty && during.launches.isEmpty
        )
        #expect(h.world.suppressed, "offers are suppressed while nothing can be launched")
    }

    @Test func anAlarmMakesTheClusterUnhealthyWithoutALivelockOrReseed() {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.alarms = ["NOSPACE"]
        h.observe(times: 300)
        #expect(h.stats.healthy == 0)
        #expect(h.stats.clusterLivelocks == 0 && h.stats.clusterReseeds == 0)
    }

    @Test func healthyStartsAtOneAndIsZeroWhileNothingRuns() {
        var h = Harness(size: 3)
        #expect(h.stats.healthy == 1, "the original's initial value, before any check")
        h.subscribe()
        #expect(h.stats.healthy == 0, "in sync with nothing running")
    }
}

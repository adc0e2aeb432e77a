import Reconciler
import Testing

@Suite("Scheduler restarts, reconciliation and adoption")
struct RestartAndSyncTests {
    @Test func aRestartedSchedulerAdoptsRunningTasksAndLaunchesNoDuplicates() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler()
        #expect(h.phase == .disconnected)
        #expect(h.reconciler.members.count == 3, "tasks come back from the persisted state")
        let subscribed = h.send(.subscribed(frameworkID: "framework-1"))
        #expect(h.phase == .syncing)
        #expect(subscribed.reconciles.count == 2, "one implicit, one explicit")
        #expect(subscribed.reconciles.last?.count == 3)
        h.deliver()
        #expect(h.phase == .mutable)
        #expect(h.stats.runningServers == 3)
        for _ in 0..<60 { h.step() }
        #expect(h.world.launches.count == 3)
        #expect(h.log.kills.isEmpty)
        #expect(h.isSettled)
    }

    /// Key test 1 of the original: stop the scheduler, wipe a minority, start it again.
    @Test func aMemberLostWhileTheSchedulerWasDownIsRemovedThenReplaced() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let victim = try #require(h.task(onHost: 3))
        let deadID = try #require(h.world.member(of: victim)?.id)
        h.restartScheduler()
        h.world.wipeAgentSilently(3)
        let start = h.log.count
        h.subscribe()
        #expect(h.stats.failedServers == 1 && h.stats.runningServers == 2)
        #expect(
            h.log[start...].launches.isEmpty, "nothing launched before etcd's member list was seen")
        let healed = h.run(until: \.isSettled, within: .seconds(120)) { $0.expectWithinBounds() }
        #expect(healed)
        let after = Array(h.log[start...])
        let removal = try #require(
            after.position { if case .removeMember(deadID, _) = $0 { true } else { false } })
        let launchAt = try #require(after.position { if case .launch = $0 { true } else { false } })
        #expect(removal < launchAt)
        #expect(h.world.launches.count == 4)
    }

    @Test func unansweredTasksAreReconciledAgainWithBackoff() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler()
        h.send(.subscribed(frameworkID: "framework-1"))
        h.world.queued = []  // the master does not answer
        let first = h.tick(.seconds(1))
        #expect(first.reconciles.map(\.count) == [3])
        let notYet = h.tick(.milliseconds(1999))
        #expect(notYet.reconciles.isEmpty)
        let second = h.tick(.milliseconds(1))
        #expect(second.reconciles.map(\.count) == [3])
        h.deliver()
        #expect(h.phase == .mutable)
    }

    @Test func offersAreDeclinedAndSuppressedWhileSyncing() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler()
        h.world.wipeAgentSilently(4)
        let subscribed = h.send(.subscribed(frameworkID: "framework-1"))
        #expect(subscribed.suppresses == 1)
        let offer = h.offer(host: 6)
        let actions = h.send(.offers([offer]))
        #expect(actions.declines == [offer.id] && actions.launches.isEmpty)
    }

    @Test func implicitReconciliationRunsEveryFiveMinutes() {
        var h = Harness(size: 3)
        h.formCluster()
        let early = h.tick(at: .seconds(299))  // in sync since the subscription at the origin
        #expect(early.reconciles.isEmpty)
        let due = h.tick(at: .seconds(300))
        #expect(due.reconciles == [[]])
        let next = h.tick(at: .seconds(599))
        #expect(next.reconciles.isEmpty)
    }

    /// The original cleared its maps on re-registration without becoming Immutable; a launch in that gap
    /// started a second, empty cluster.
    @Test func reSubscriptionWithoutADisconnectSyncsAgainBeforeLaunching() {
        var h = Harness(size: 3)
        h.formCluster()
        let again = h.send(.subscribed(frameworkID: "framework-1"))
        #expect(h.phase == .syncing)
        #expect(again.reconciles.last?.count == 3)
        let offer = h.offer(host: 6)
        #expect(h.send(.offers([offer])).declines == [offer.id])
        h.deliver()
        #expect(h.phase == .mutable)
        for _ in 0..<30 { h.step() }
        #expect(h.world.launches.count == 3 && h.world.newClusterLaunches == 1)
    }

    /// A partitioned agent can come back after TASK_LOST; by then its member was replaced.
    @Test func aReplacedTaskThatComesBackIsKilled() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let victim = try #require(h.task(onHost: 3))
        h.world.loseAgent(3)
        h.deliver()
        let healed = h.run(until: \.isSettled, within: .seconds(60))
        #expect(healed)
        let back = h.send(
            .taskStatus(TaskStatusUpdate(taskID: victim, state: .running, agentID: "agent-3")))
        #expect(back.kills == [victim])
        #expect(h.reconciler.members.count == 3)
    }

    /// Tasks nobody persisted (a lost write) are adopted from implicit reconciliation, not duplicated.
    @Test func runningTasksMissingFromThePersistedStateAreAdopted() {
        var h = Harness(size: 3)
        h.formCluster()
        var stale = h.world.persisted ?? PersistedClusterState()
        stale.tasks = []
        h.world.persisted = stale
        h.restartScheduler()
        h.subscribe()
        #expect(h.reconciler.members.count == 3)
        for _ in 0..<30 { h.step() }
        #expect(h.world.launches.count == 3 && h.log.kills.isEmpty)
    }

    /// After a failover the first launch of a new cluster waits one chill for implicit reconciliation.
    @Test func afterAFailoverANewClusterWaitsForImplicitReconciliation() {
        var h = Harness(size: 3, restored: PersistedClusterState(frameworkID: "framework-1"))
        h.send(.subscribed(frameworkID: "framework-1"))
        let early = h.send(.offers([h.offer(host: 2)]))
        #expect(early.launches.isEmpty)
        let later = h.tick(at: .seconds(10))
        #expect(later.launches.count == 1)
    }

    @Test func unknownAndMalformedTasksAreHandledSafely() {
        var h = Harness(size: 1)
        h.formCluster()
        let extra = MemberIdentity(
            index: 99, host: "127.0.0.5", peerPort: 1, clientPort: 2, reseedPort: 3
        ).taskID
        let tooMany = h.send(
            .taskStatus(TaskStatusUpdate(taskID: extra, state: .running, agentID: "agent-5")))
        #expect(tooMany.kills == [extra], "adopting it would exceed the size")
        let foreign = h.send(
            .taskStatus(TaskStatusUpdate(taskID: "something else", state: .running)))
        #expect(foreign.kills.isEmpty)
        #expect(foreign.logLines.contains { $0.contains("not an etcd-mesos task ID") })
    }

    @Test func updatesWithAUUIDAreAcknowledgedAfterTheDecisionTheyCause() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let victim = try #require(h.task(onHost: 2))
        let actions = h.send(
            .taskStatus(
                TaskStatusUpdate(
                    taskID: victim, state: .failed, agentID: "agent-2", acknowledgementID: "u-1")))
        #expect(actions.last == .acknowledge(victim, agentID: "agent-2", acknowledgementID: "u-1"))
        #expect(actions.persists.count == 1)
        let fromMaster = h.send(
            .taskStatus(TaskStatusUpdate(taskID: victim, state: .lost, fromReconciliation: true)))
        #expect(fromMaster.acknowledgements.isEmpty)
        #expect(h.stats.failedServers == 1, "a repeated terminal update is counted once")
    }

    @Test func theFrameworkBeingRemovedForgetsItsTasks() {
        var h = Harness(size: 3)
        h.formCluster()
        let removed = h.send(.frameworkRemoved)
        #expect(h.phase == .disconnected)
        #expect(removed.persists.last?.frameworkID == nil)
        #expect(removed.persists.last?.tasks.isEmpty == true)
        #expect(
            removed.persists.last?.clusterFormed == true,
            "a restart must not start an empty cluster silently")
    }
}

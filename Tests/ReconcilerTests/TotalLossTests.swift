import Reconciler
import Testing

@Suite("Total loss, restore and operator requests")
struct TotalLossTests {
    @Test func losingEveryMemberWaitsForAnOperatorInsteadOfStartingEmpty() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .awaitingOperator)
        #expect(h.stats.awaitingOperator == 1 && h.stats.healthy == 0)
        #expect(h.log.logLines.contains { $0.contains("Waiting for an operator") })
        let offer = h.offer(host: 5)
        #expect(h.send(.offers([offer])).declines == [offer.id])
        for _ in 0..<600 { h.step() }
        #expect(h.world.launches.count == 3)
        #expect(h.world.suppressed)
    }

    /// The original's restart after total loss started a brand-new empty cluster without a word.
    @Test func aRestartAfterTotalLossStillWaitsForAnOperator() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler()
        for agent in [2, 3, 4] { h.world.wipeAgentSilently(agent) }
        h.subscribe()
        #expect(h.phase == .awaitingOperator)
        for _ in 0..<100 { h.step() }
        #expect(h.world.launches.count == 3)
    }

    @Test func anExplicitEmptyStartFormsANewCluster() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        for agent in [2, 3, 4] { h.world.restartAgent(agent) }
        let answer = h.send(.operatorRequestedEmptyStart)
        #expect(answer.answers.map(\.outcome) == [.accepted])
        #expect(
            answer.persists.last?.clusterEpoch == 2 && answer.persists.last?.clusterFormed == false)
        let formed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(formed)
        #expect(h.world.newClusterLaunches == 2)
        #expect(h.world.launches.last?.clusterEpoch == 2)
    }

    @Test func aRestoreSeedsEveryMemberFromTheBackupAtOnce() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        for agent in [2, 3, 4] { h.world.restartAgent(agent) }
        let answer = h.send(.operatorRequestedRestore(backupID: "default-20260101T000000Z-r42"))
        #expect(answer.answers.map(\.outcome) == [.accepted])
        #expect(h.world.persisted?.pendingRestore == "default-20260101T000000Z-r42")
        let formed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(formed)
        let newLaunches = Array(h.world.launches.dropFirst(3))
        #expect(
            newLaunches.map(\.restoreFromBackup)
                == Array(repeating: "default-20260101T000000Z-r42", count: 3))
        #expect(newLaunches.allSatisfy { $0.initialClusterState == .new && $0.clusterEpoch == 2 })
        // Each names itself first, then the other two: one initial cluster of the three.
        #expect(newLaunches.map { $0.initialCluster.first?.name } == newLaunches.map(\.member.name))
        #expect(Set(newLaunches.map { Set($0.initialCluster.map(\.peerURL)) }).count == 1)
        #expect(newLaunches[0].initialCluster.count == 3)
        #expect(h.world.persisted?.pendingRestore == nil)
    }

    /// A repeated request for the same backup follows the restore under way; another backup is refused
    /// until the first member runs, so the epoch is bumped once.
    @Test func aSecondRestoreRequestFollowsTheFirstOrIsRefused() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(
            h.send(.operatorRequestedRestore(backupID: "b-1")).answers.map(\.outcome) == [.accepted]
        )
        #expect(h.reconciler.restoreDecision(for: "b-1") != .proceed)
        let again = h.send(.operatorRequestedRestore(backupID: "b-1"))
        #expect(again.answers.map(\.outcome) == [.alreadyInProgress])
        let other = h.send(.operatorRequestedRestore(backupID: "b-2"))
        #expect(other.answers.map(\.outcome) == [.refused])
        #expect(other.answers.first?.message.contains("from backup b-1") == true)
        #expect(h.world.persisted?.clusterEpoch == 2 && h.world.persisted?.pendingRestore == "b-1")
    }

    @Test func restoreAndEmptyStartAreRefusedWhileMembersRun() {
        var h = Harness(size: 3)
        h.formCluster()
        let restore = h.send(.operatorRequestedRestore(backupID: "b"))
        #expect(restore.answers.first?.outcome == .refused)
        #expect(restore.answers.first?.message.contains("members are running") == true)
        let empty = h.send(.operatorRequestedEmptyStart)
        #expect(empty.answers.first?.outcome == .refused)
        #expect(h.world.launches.count == 3)
    }

    @Test func aBrandNewFrameworkCanBeSeededFromABackup() {
        var h = Harness(size: 3)
        h.subscribe()
        let answer = h.send(.operatorRequestedRestore(backupID: "b-1"))
        #expect(answer.answers.first?.outcome == .accepted)
        let launch = h.send(.offers([2, 3, 4].map { h.offer(host: $0) })).launches
        #expect(launch.map(\.restoreFromBackup) == ["b-1", "b-1", "b-1"])
    }

    /// A first member that never ran held no data: it is simply launched again.
    @Test func aFirstMemberThatFailsBeforeRunningIsRelaunched() throws {
        var h = Harness(size: 3)
        h.subscribe()
        let launch = try #require(h.send(.offers([h.offer(host: 2)])).launches.first)
        h.world.queued = []
        h.send(
            .taskStatus(
                TaskStatusUpdate(taskID: launch.taskID, state: .failed, agentID: launch.agentID)))
        #expect(h.phase == .mutable)
        let formed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(formed)
    }

    @Test func aSurvivorReportedByTheMasterEndsTheWait() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .awaitingOperator)
        let survivor = MemberIdentity(
            index: 50, host: "127.0.0.5", peerPort: 31000, clientPort: 31001, reseedPort: 31002)
        h.send(
            .taskStatus(
                TaskStatusUpdate(
                    taskID: survivor.taskID, state: .running, agentID: "agent-5",
                    fromReconciliation: true)
            ))
        #expect(h.phase == .mutable)
        #expect(h.reconciler.members.map(\.taskID) == [survivor.taskID])
    }

    @Test func restoreFromAtStartSeedsTheFirstMemberWhenNoTaskIsOnRecord() {
        var h = Harness(size: 3) { $0.totalLoss = .restore(backupID: "b-start") }
        h.subscribe()
        let launch = h.send(.offers([2, 3, 4].map { h.offer(host: $0) })).launches
        #expect(launch.map(\.restoreFromBackup) == ["b-start", "b-start", "b-start"])
        #expect(launch.allSatisfy { $0.clusterEpoch == 1 })
        let formed = h.run(until: \.isSettled, within: .seconds(120))
        #expect(formed)
        #expect(
            h.world.launches.compactMap(\.restoreFromBackup) == ["b-start", "b-start", "b-start"])
    }

    /// With members on record, `-restore-from` waits: nothing is restored while they run, and the backup is
    /// used once, at the first total loss.
    @Test func restoreFromWithMembersOnRecordIsUsedOnceAtTotalLoss() {
        var h = Harness(size: 3)
        h.formCluster()
        h.restartScheduler { $0.totalLoss = .restore(backupID: "b-later") }
        h.subscribe()
        for _ in 0..<30 { h.step() }
        #expect(h.world.launches.count == 3)
        #expect(h.world.persisted?.pendingRestore == nil)
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .mutable)
        #expect(h.world.persisted?.pendingRestore == "b-later")
        #expect(h.log.logLines.contains { $0.contains("-restore-from: seeding cluster epoch 2") })
        for agent in [2, 3, 4] { h.world.restartAgent(agent) }
        let settled = h.run(until: \.isSettled, within: .seconds(120))
        #expect(settled)
        #expect(
            h.world.launches.dropFirst(3).map(\.restoreFromBackup) == [
                "b-later", "b-later", "b-later",
            ])
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .awaitingOperator)
    }

    @Test func allowEmptyClusterStartsEmptyAfterEveryTotalLoss() {
        var h = Harness(size: 3) { $0.totalLoss = .startEmpty }
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .mutable)
        #expect(h.world.persisted?.clusterEpoch == 2)
        #expect(
            h.log.logLines.contains {
                $0.contains("-allow-empty-cluster: starting an EMPTY cluster")
            })
        for agent in [2, 3, 4] { h.world.restartAgent(agent) }
        let settled = h.run(until: \.isSettled, within: .seconds(120))
        #expect(settled)
        #expect(h.world.launches.dropFirst(3).allSatisfy { $0.restoreFromBackup == nil })
    }

    @Test func aCompletedBackupIsPersisted() {
        var h = Harness(size: 3)
        h.formCluster()
        let actions = h.send(.backupCompleted(backupID: "default-x-r7", revision: 7))
        #expect(actions.persists.last?.lastGoodBackup == "default-x-r7")
        #expect(h.stats.lastKnownRevision == 7)
    }
}

import Reconciler
import Testing

/// The recovery plan names what survives, the newest backup, what the scheduler will do, and what each
/// choice costs in revisions.
@Suite("Recovery plan")
struct RecoveryPlanTests {
    /// Two of three members lost, the survivor ahead of the newest backup: the plan is a reseed from it, which
    /// loses nothing; the backup would lose what was written since.
    @Test func inALivelockTheSurvivorAheadOfTheBackupIsChosen() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.revision = 50
        h.observe(times: 1)
        h.world.loseAgent(3)
        h.world.loseAgent(4)
        h.deliver()
        h.observe(times: 2)
        guard case .livelocked = h.phase else {
            Issue.record("phase is \(h.phase)")
            return
        }
        let plan = h.reconciler.recoveryPlan(
            newestBackup: .init(id: "etcd-20261201T000000Z-r30", revision: 30, ageSeconds: 3600),
            now: h.now)
        #expect(plan.situation == .livelock)
        #expect(plan.newestKnownRevision == 50)
        let survivor = try #require(plan.survivors.first { $0.reachable })
        #expect(
            plan.survivors.count == 1 && survivor.revision == 50 && survivor.host == "127.0.0.2")
        #expect(plan.choices.map(\.kind) == [.reseed, .restore, .startEmpty])
        #expect(plan.choices.map(\.revisionsLost) == [0, 20, 50])
        #expect(plan.choices.filter(\.chosen).map(\.kind) == [.reseed])
        #expect(plan.choices.first?.source == survivor.name)
        #expect(plan.action.contains("reseed from \(survivor.name)"))
        #expect(
            plan.action.contains("automatically in 239 s"),
            "240 s after the first probe without quorum")

        // The scheduler logs the plan before it acts.
        h.send(.operatorRequestedReseed)
        let lines = h.log.logLines
        let planned = try #require(lines.firstIndex { $0.hasPrefix("recovery plan (livelock") })
        let ordered = try #require(lines.firstIndex { $0.hasPrefix("reseeding (") })
        #expect(planned < ordered)
        #expect(
            lines[planned].contains("reseed from \(survivor.name) loses 0 revision(s) [chosen]"))
    }

    /// Every member lost: only the backup is left, and the plan waits for an operator to restore it.
    @Test func afterTotalLossTheBackupIsTheChoice() {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.revision = 50
        h.observe(times: 1)
        h.send(.backupCompleted(backupID: "etcd-x-r42", revision: 42))
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        #expect(h.phase == .awaitingOperator)
        let plan = h.reconciler.recoveryPlan(newestBackup: nil, now: h.now)
        #expect(plan.situation == .totalLoss)
        #expect(plan.survivors.isEmpty)
        #expect(plan.newestBackup == .init(id: "etcd-x-r42", revision: 42))
        #expect(plan.choices.map(\.kind) == [.restore, .startEmpty])
        #expect(plan.choices.map(\.revisionsLost) == [8, 50])
        #expect(plan.choices.filter(\.chosen).map(\.source) == ["etcd-x-r42"])
        #expect(plan.action.contains("wait for an operator"))
        #expect(plan.action.contains("etcd-mesos-restore seed etcd-x-r42"))
        #expect(h.log.logLines.contains { $0.hasPrefix("recovery plan (total_loss") })

        // A restore under way is reported as such.
        h.send(.operatorRequestedRestore(backupID: "etcd-x-r42"))
        let seeding = h.reconciler.recoveryPlan(newestBackup: nil, now: h.now)
        #expect(seeding.situation == .seeding)
        #expect(seeding.action.contains("from backup etcd-x-r42"))
    }

    /// A restarted scheduler still knows the last good backup and its revision (they are persisted), and a
    /// `-restore-from` it was started with is the plan it logs at the total loss.
    @Test func aRestartedSchedulerPlansTheRestoreItWasToldTo() throws {
        var h = Harness(size: 3)
        h.formCluster()
        h.world.revision = 50
        h.observe(times: 1)
        h.send(.backupCompleted(backupID: "etcd-x-r42", revision: 42))
        #expect(h.world.persisted?.lastGoodBackupRevision == 42)
        h.restartScheduler { $0.totalLoss = .restore(backupID: "etcd-x-r42") }
        h.subscribe()
        for _ in 0..<30 { h.step() }
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        let line = try #require(h.log.logLines.last { $0.hasPrefix("recovery plan (total_loss") })
        #expect(line.contains("restore backup etcd-x-r42 now (-restore-from)"), "\(line)")
        #expect(line.contains("restore etcd-x-r42 loses 8 revision(s) [chosen]"), "\(line)")
    }

    @Test func totalLossWithoutABackupSaysSo() {
        var h = Harness(size: 3)
        h.formCluster()
        for agent in [2, 3, 4] { h.world.loseAgent(agent) }
        h.deliver()
        let plan = h.reconciler.recoveryPlan(newestBackup: nil, now: h.now)
        #expect(plan.situation == .totalLoss && plan.newestBackup == nil)
        #expect(plan.choices.map(\.kind) == [.startEmpty])
        #expect(plan.choices.allSatisfy { !$0.chosen })
        #expect(plan.action.contains("no backup is known"))
    }

    @Test func aHealthyClusterHasNothingToRecover() {
        var h = Harness(size: 3)
        h.formCluster()
        let plan = h.reconciler.recoveryPlan(newestBackup: nil, now: h.now)
        #expect(plan.situation == .healthy)
        #expect(plan.choices.isEmpty)
        #expect(plan.survivors.count == 3 && plan.survivors.allSatisfy(\.reachable))
    }
}

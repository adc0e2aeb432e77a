/// The recovery plan: what survives, the newest backup, what the scheduler will do, and what each choice costs.
extension ClusterReconciler {
    /// The plan now; `newestBackup` is the backup service's newest good backup (the reconciler knows only the
    /// last one this process took).
    public func recoveryPlan(newestBackup: RecoveryPlan.Backup?, now: ReconcilerInstant)
        -> RecoveryPlan
    {
        let backup =
            newestBackup
            ?? lastGoodBackup.flatMap { id in
                lastGoodBackupRevision.map { RecoveryPlan.Backup(id: id, revision: $0) }
            }
        let survivors = tasks.values.sorted { $0.identity.index < $1.identity.index }.map { task in
            RecoveryPlan.Survivor(
                name: task.identity.name, host: task.identity.host, state: "\(task.state)",
                reachable: task.reachable == true, raftIndex: task.lastStatus?.raftIndex,
                revision: task.lastStatus?.revision, isLearner: task.lastStatus?.isLearner ?? false)
        }
        let newest = max(
            lastKnownRevision, backup?.revision ?? 0,
            survivors.compactMap(\.revision).max() ?? 0)
        let seed = reseedCandidates.first.flatMap { tasks[$0] }
        var choices: [RecoveryPlan.Choice] = []
        if let seed, let status = seed.lastStatus {
            choices.append(
                .init(
                    kind: .reseed, source: seed.identity.name, revision: status.revision,
                    revisionsLost: max(0, newest - status.revision), chosen: false))
        }
        if let backup {
            choices.append(
                .init(
                    kind: .restore, source: backup.id, revision: backup.revision,
                    revisionsLost: max(0, newest - backup.revision), chosen: false))
        }
        choices.append(
            .init(kind: .startEmpty, source: nil, revision: 0, revisionsLost: newest, chosen: false)
        )

        let situation: RecoveryPlan.Situation
        var action: String
        var chosen: RecoveryPlan.Choice.Kind?
        switch phase {
        case .disconnected, .syncing:
            situation = .notInSync
            action = "no decision before the Mesos master has answered for every task on record"
        case .reseeding(let seedTask):
            situation = .reseeding
            let name = tasks[seedTask]?.identity.name ?? seedTask.rawValue
            action = "reseeding from \(name) (under way)"
            if let index = choices.firstIndex(where: { $0.kind == .reseed }) {
                choices[index].source = name
                choices[index].chosen = true
            }
        case .livelocked(let since):
            situation = .livelock
            if let seed {
                chosen = .reseed
                action =
                    configuration.autoReseed
                    ? "reseed from \(seed.identity.name) (the survivor with the highest raft index) "
                        + "automatically in \(Self.seconds(since + configuration.reseedTimeout - now)) "
                        + "unless quorum returns first, or now on POST /reseed"
                    : "wait for an operator: POST /reseed reseeds from \(seed.identity.name) "
                        + "(auto reseed is off)"
            } else {
                action = "wait: no member answers a probe, so there is nothing to reseed from yet"
            }
        case .awaitingOperator:
            situation = .totalLoss
            if let requested = startupRestore {
                action = "restore backup \(requested) now (-restore-from)"
                if backup?.id == requested { chosen = .restore }
            } else if let backup {
                chosen = .restore
                action =
                    "wait for an operator: POST /restore {\"backup\": \"\(backup.id)\"} "
                    + "(etcd-mesos-restore seed \(backup.id)) restores the newest good backup; an empty "
                    + "start gives up every revision"
            } else {
                action =
                    "wait for an operator: no backup is known; restore one from elsewhere or start empty"
            }
        case .mutable:
            if let pending = pendingRestore, !clusterFormed {
                situation = .seeding
                action = "seeding cluster epoch \(clusterEpoch) from backup \(pending) (under way)"
                if let index = choices.firstIndex(where: { $0.kind == .restore }),
                    choices[index].source == pending
                {
                    choices[index].chosen = true
                }
            } else if tasks.isEmpty && !clusterFormed {
                situation = .forming
                action = "forming a new cluster"
            } else if runningCount < configuration.clusterSize {
                situation = .degraded
                action =
                    "replacing lost members (remove, add, launch); the data is safe with the quorum"
            } else {
                situation = .healthy
                action = "nothing to recover"
            }
        }
        if let chosen, let index = choices.firstIndex(where: { $0.kind == chosen }) {
            choices[index].chosen = true
        }
        if situation == .healthy || situation == .degraded || situation == .forming {
            choices = []
        }
        choices.sort { $0.revisionsLost < $1.revisionsLost }
        return RecoveryPlan(
            situation: situation, clusterEpoch: clusterEpoch, newestKnownRevision: newest,
            survivors: survivors, newestBackup: backup, action: action, choices: choices)
    }

    private static func seconds(_ duration: Duration) -> String {
        "\(max(0, duration.components.seconds)) s"
    }
}

/// Operator requests from the admin API, and the wait after total loss (docs/original-behaviour.md §7.2, §8.2).
extension ClusterReconciler {
    /// After the last member is gone, a cluster that may hold data is never silently replaced by an empty
    /// one (the original started one on its next restart): an operator restores a backup or starts empty.
    mutating func enterAwaitingOperatorIfTotallyLost(
        now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard tasks.isEmpty, mode == .mutable || mode == .reseeding,
            clusterFormed || lastKnownRevision > 1
        else {
            return
        }
        mode = .awaitingOperator
        reseed = nil
        pendingMember = nil
        health.reset()
        let backup =
            lastGoodBackup.map { "the last good backup is \($0)" } ?? "no backup is recorded"
        let lost =
            "every member of cluster epoch \(clusterEpoch) is gone (last known revision \(lastKnownRevision)); "
            + "\(backup)"
        out.log(.notice, recoveryPlan(newestBackup: nil, now: now).summary)
        if let backupID = startupRestore {
            startupRestore = nil
            startNewEpoch(restoring: backupID)
            out.log(
                .notice,
                "\(lost). -restore-from: seeding cluster epoch \(clusterEpoch) from backup \(backupID)"
            )
        } else if configuration.totalLoss == .startEmpty {
            startNewEpoch(restoring: nil)
            out.log(
                .warning,
                "\(lost). -allow-empty-cluster: starting an EMPTY cluster, epoch \(clusterEpoch)")
        } else {
            out.log(
                .error,
                "\(lost). Waiting for an operator: POST /restore to seed from a backup, or start an empty cluster"
            )
        }
    }

    mutating func operatorRequestedReseed(now: ReconcilerInstant, out: inout ActionBuffer) {
        switch mode {
        case .disconnected, .syncing:
            out.answer(
                .reseed, .refused,
                "the scheduler is not in sync with the Mesos master yet; retry when /stats shows phase mutable or livelocked"
            )
        case .awaitingOperator:
            out.answer(
                .reseed, .refused,
                "no member is running, so there is nothing to reseed from; restore a backup or start an empty cluster"
            )
        case .reseeding:
            out.answer(
                .reseed, .alreadyInProgress,
                "a reseed from \(reseed?.seed.rawValue ?? "?") is in progress")
        case .mutable:
            guard let assessment = health.lastAssessment else {
                out.answer(
                    .reseed, .refused, "no health probe has answered yet; retry in a few seconds")
                return
            }
            guard !assessment.hasQuorum else {
                out.answer(
                    .reseed, .refused,
                    "the cluster has quorum (\(assessment.summary)); a reseed would throw members away"
                )
                return
            }
            if startReseed(.operatorRequest, now: now, out: &out) {
                out.answer(.reseed, .accepted, "reseeding from \(reseed?.seed.rawValue ?? "?")")
            } else {
                out.answer(
                    .reseed, .refused,
                    "no running member answers a probe, so there is nothing to reseed from")
            }
        }
    }

    /// What `POST /restore` of `backupID` would get now. The admin API asks before it verifies an archive,
    /// so a refused (or repeated) request costs no verification.
    public func restoreDecision(for backupID: String) -> RestoreDecision {
        if let pending = pendingRestore, tasks.isEmpty || !clusterFormed {
            // A restore is under way until its first member runs: asking again for the same backup follows
            // it (an operator's retry, a second `seed`); another backup would bump the epoch twice.
            return pending == backupID
                ? .alreadyUnderWay(
                    "cluster epoch \(clusterEpoch) is being seeded from backup \(pending)")
                : .refused("cluster epoch \(clusterEpoch) is being seeded from backup \(pending)")
        }
        let brandNew = mode == .mutable && tasks.isEmpty && pendingMember == nil && !clusterFormed
        guard mode == .awaitingOperator || brandNew else {
            return .refused(
                tasks.isEmpty
                    ? "the scheduler is not in sync with the Mesos master yet"
                    : "members are running; a restore only replaces a lost cluster")
        }
        return .proceed
    }

    mutating func operatorRequestedRestore(
        _ backupID: String, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        switch restoreDecision(for: backupID) {
        case .refused(let why):
            out.answer(.restore, .refused, why)
        case .alreadyUnderWay(let what):
            out.answer(.restore, .alreadyInProgress, what)
        case .proceed:
            out.log(
                .notice,
                "\(recoveryPlan(newestBackup: nil, now: now).summary); the operator asked for backup \(backupID)"
            )
            startNewEpoch(restoring: backupID)
            out.answer(
                .restore, .accepted, "seeding cluster epoch \(clusterEpoch) from backup \(backupID)"
            )
        }
    }

    mutating func operatorRequestedEmptyStart(out: inout ActionBuffer) {
        guard mode == .awaitingOperator else {
            out.answer(
                .emptyStart, .refused, "an empty start is only for a cluster that was lost entirely"
            )
            return
        }
        startNewEpoch(restoring: nil)
        out.answer(
            .emptyStart, .accepted,
            "starting an empty cluster, epoch \(clusterEpoch); the data of epoch \(clusterEpoch - 1) is given up"
        )
    }

    mutating func startNewEpoch(restoring backupID: String?) {
        clusterEpoch += 1
        clusterFormed = false
        lastKnownRevision = 0
        pendingRestore = backupID
        etcdMembers = nil
        health = HealthTracker()
        mode = .mutable
    }
}

/// What a restore request would get: go ahead (verify, then ask), follow the same restore already under way,
/// or a refusal with its reason.
public enum RestoreDecision: Sendable, Equatable {
    case proceed
    case alreadyUnderWay(String)
    case refused(String)
}

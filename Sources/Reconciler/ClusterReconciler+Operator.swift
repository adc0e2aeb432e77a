/// Operator requests from the admin API, and the wait after total loss (behaviour sheet §7.2, §8.2).
extension ClusterReconciler {
    /// After the last member is gone, a cluster that may hold data is never silently replaced by an empty
    /// one (the original started one on its next restart): an operator restores a backup or starts empty.
    mutating func enterAwaitingOperatorIfTotallyLost(out: inout ActionBuffer) {
        guard tasks.isEmpty, mode == .mutable || mode == .reseeding, clusterFormed || lastKnownRevision > 1 else {
            return
        }
        mode = .awaitingOperator
        reseed = nil
        pendingMember = nil
        health.reset()
        let backup = lastGoodBackup.map { "the last good backup is \($0)" } ?? "no backup is recorded"
        out.log(
            .error,
            "every member of cluster epoch \(clusterEpoch) is gone (last known revision \(lastKnownRevision)); "
                + "\(backup). Waiting for an operator: POST /restore to seed from a backup, or start an empty cluster")
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
                "no member is running, so there is nothing to reseed from; restore a backup or start an empty cluster")
        case .reseeding:
            out.answer(.reseed, .alreadyInProgress, "a reseed from \(reseed?.seed.rawValue ?? "?") is in progress")
        case .mutable:
            guard let assessment = health.lastAssessment else {
                out.answer(.reseed, .refused, "no health probe has answered yet; retry in a few seconds")
                return
            }
            guard !assessment.hasQuorum else {
                out.answer(
                    .reseed, .refused,
                    "the cluster has quorum (\(assessment.summary)); a reseed would throw members away")
                return
            }
            if startReseed(.operatorRequest, now: now, out: &out) {
                out.answer(.reseed, .accepted, "reseeding from \(reseed?.seed.rawValue ?? "?")")
            } else {
                out.answer(.reseed, .refused, "no running member answers a probe, so there is nothing to reseed from")
            }
        }
    }

    /// A snapshot comes from the leader if it answers, else from the member with the highest raft index.
    mutating func operatorRequestedSnapshot(out: inout ActionBuffer) {
        let reachable = tasks.values.filter { $0.state == .running && $0.reachable == true && $0.lastStatus != nil }
        let leader = reachable.first { $0.lastStatus?.leaderID == $0.lastStatus?.memberID }
        let best = leader ?? reseedCandidates.first.flatMap { tasks[$0] }
        guard let best else {
            out.answer(.snapshot, .refused, "no running member answers a probe to take a snapshot from")
            return
        }
        out.append(.snapshot(from: best.identity))
        out.answer(.snapshot, .accepted, "taking a snapshot from \(best.identity.name)")
    }

    mutating func operatorRequestedRestore(_ backupID: String, out: inout ActionBuffer) {
        let brandNew = mode == .mutable && tasks.isEmpty && pendingMember == nil && !clusterFormed
        guard mode == .awaitingOperator || brandNew else {
            let why =
                tasks.isEmpty
                ? "the scheduler is not in sync with the Mesos master yet"
                : "members are running; a restore only replaces a lost cluster"
            out.answer(.restore, .refused, why)
            return
        }
        startNewEpoch(restoring: backupID)
        out.answer(.restore, .accepted, "seeding cluster epoch \(clusterEpoch) from backup \(backupID)")
    }

    mutating func operatorRequestedEmptyStart(out: inout ActionBuffer) {
        guard mode == .awaitingOperator else {
            out.answer(.emptyStart, .refused, "an empty start is only for a cluster that was lost entirely")
            return
        }
        startNewEpoch(restoring: nil)
        out.answer(
            .emptyStart, .accepted,
            "starting an empty cluster, epoch \(clusterEpoch); the data of epoch \(clusterEpoch - 1) is given up")
    }

    private mutating func startNewEpoch(restoring backupID: String?) {
        clusterEpoch += 1
        clusterFormed = false
        lastKnownRevision = 0
        pendingRestore = backupID
        etcdMembers = nil
        health = HealthTracker()
        mode = .mutable
    }
}

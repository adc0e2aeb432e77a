/// Reseed after a livelock: make the survivor with the highest raft index the seed of a new one-member
/// cluster (`--force-new-cluster`, once), kill every other task once it is healthy, then grow back to the
/// size through the normal path (docs/original-behaviour.md §5.7). No etcd member removal comes first: without
/// quorum it cannot succeed.
extension ClusterReconciler {
    mutating func considerAutomaticReseed(now: ReconcilerInstant, out: inout ActionBuffer) {
        if mode == .reseeding, let progress = reseed,
            now >= progress.orderedAt + configuration.reseedTimeout
        {
            candidateFailed(
                "it did not lead a healthy cluster within \(configuration.reseedTimeout)", now: now,
                out: &out)
            return
        }
        guard mode == .mutable, reseed == nil, configuration.autoReseed,
            let since = health.livelockSince,
            now >= since + configuration.reseedTimeout
        else { return }
        if !startReseed(.automatic, now: now, out: &out) {
            out.log(
                .error,
                "automatic reseed impossible: no member answers a probe; nothing was killed, trying again in \(configuration.reseedTimeout)"
            )
            health.livelockSince = now
        }
    }

    /// Reachable voting members that run, best first: highest raft index, then revision, then lowest name.
    var reseedCandidates: [TaskID] {
        tasks.values.compactMap { task -> (TrackedTask, MemberStatus)? in
            guard task.state == .running, task.reachable == true, let status = task.lastStatus,
                !status.isLearner
            else { return nil }
            return (task, status)
        }
        .sorted { a, b in
            if a.1.raftIndex != b.1.raftIndex { return a.1.raftIndex > b.1.raftIndex }
            if a.1.revision != b.1.revision { return a.1.revision > b.1.revision }
            return a.0.identity.index < b.0.identity.index
        }
        .map(\.0.identity.taskID)
    }

    /// Starts a reseed from the best candidate; false when there is none.
    mutating func startReseed(
        _ trigger: ReseedProgress.Trigger, now: ReconcilerInstant, out: inout ActionBuffer
    )
        -> Bool
    {
        let candidates = reseedCandidates
        guard let seed = candidates.first else { return false }
        out.log(.notice, recoveryPlan(newestBackup: nil, now: now).summary)
        clusterReseeds += 1
        clusterEpoch += 1
        mode = .reseeding
        reseed = ReseedProgress(
            seed: seed, remainingCandidates: Array(candidates.dropFirst()), orderedAt: now,
            trigger: trigger)
        if let pending = pendingMember {
            out.log(.warning, "dropping the planned member \(pending.identity.name) for the reseed")
            pendingMember = nil
        }
        orderReseed(now: now, out: &out)
        return true
    }

    private mutating func orderReseed(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard var progress = reseed, let task = tasks[progress.seed] else { return }
        progress.orderedAt = now
        progress.delivered = false
        progress.orderSent = true
        reseed = progress
        let index =
            task.lastStatus.map { "raft index \($0.raftIndex), revision \($0.revision)" }
            ?? "no status yet"
        out.log(
            .error,
            "reseeding (\(progress.trigger.rawValue)) from \(task.identity.name) on \(task.identity.host) (\(index)); epoch \(clusterEpoch)"
        )
        out.append(
            .reseed(
                ReseedOrder(
                    member: task.identity, agentID: task.agentID, clusterEpoch: clusterEpoch)))
    }

    /// After a re-subscription in the middle of a reseed: keep waiting for the seed. After a scheduler
    /// restart: order the same seed again (forcing a one-member cluster a second time is harmless), or give
    /// up if it is gone.
    mutating func resumeReseed(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard let progress = reseed else { return }
        guard tasks[progress.seed] != nil else {
            out.log(
                .warning,
                "the reseed seed \(progress.seed) from before the restart is gone; reseed abandoned"
            )
            reseed = nil
            enterAwaitingOperatorIfTotallyLost(now: now, out: &out)
            return
        }
        mode = .reseeding
        if !progress.orderSent { orderReseed(now: now, out: &out) }
    }

    mutating func reseedDelivered(_ taskID: TaskID, out: inout ActionBuffer) {
        guard reseed?.seed == taskID else { return }
        reseed?.delivered = true
        out.log(
            .notice, "\(taskID) restarted etcd with --force-new-cluster; waiting for it to lead")
    }

    mutating func reseedFailed(
        _ taskID: TaskID, reason: String, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard reseed?.seed == taskID, mode == .reseeding else { return }
        candidateFailed(reason, now: now, out: &out)
    }

    mutating func reseedTaskEnded(_ taskID: TaskID, now: ReconcilerInstant, out: inout ActionBuffer)
    {
        reseed?.remainingCandidates.removeAll { $0 == taskID }
        if reseed?.seed == taskID, mode == .reseeding {
            candidateFailed("its task ended", now: now, out: &out)
        }
    }

    /// The seed leads itself after its forced restart: kill every other task, then grow back.
    func seedIsHealthy(_ progress: ReseedProgress) -> Bool {
        guard progress.delivered, let task = tasks[progress.seed], task.state == .running,
            task.reachable == true,
            let status = task.lastStatus
        else { return false }
        return status.leaderID == status.memberID && status.memberID != 0 && !status.isLearner
    }

    mutating func checkSeed(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard let progress = reseed, seedIsHealthy(progress), let seed = tasks[progress.seed],
            let status = seed.lastStatus
        else { return }
        for id in tasks.keys.sorted() where id != progress.seed && tasks[id]?.state != .killing {
            kill(
                id, because: "reseed from \(seed.identity.name): not the seed", now: now, out: &out)
        }
        etcdMembers = [
            EtcdMember(
                id: status.memberID, name: seed.identity.name, peerURLs: [seed.identity.peerURL])
        ]
        // A call made to the old cluster can no longer matter; growing back must not wait for its timeout.
        membershipOperation = nil
        membershipFailures = 0
        membershipRetryAt = nil
        reseed = nil
        mode = .mutable
        health.reset()
        out.log(
            .notice,
            "reseed done: \(seed.identity.name) leads epoch \(clusterEpoch); growing back to \(configuration.clusterSize) members"
        )
    }

    /// The current candidate did not become a healthy seed: try the next one; with none left, give up
    /// without killing anything, so the data stays for an operator, and wait another reseed timeout.
    mutating func candidateFailed(_ reason: String, now: ReconcilerInstant, out: inout ActionBuffer)
    {
        guard var progress = reseed else { return }
        out.log(.warning, "reseed candidate \(progress.seed) failed: \(reason)")
        progress.remainingCandidates.removeAll { tasks[$0]?.state != .running }
        if !progress.remainingCandidates.isEmpty {
            progress.seed = progress.remainingCandidates.removeFirst()
            reseed = progress
            orderReseed(now: now, out: &out)
            return
        }
        reseed = nil
        mode = .mutable
        health.livelockSince = health.livelockSince.map { _ in now }
        out.log(.error, "reseed failed: no candidate became healthy; nothing was killed")
        enterAwaitingOperatorIfTotallyLost(now: now, out: &out)
    }
}

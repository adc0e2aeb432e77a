/// Everything that happens because time passed: reconciliation retries and its periodic run, launch and
/// kill timeouts, and membership calls that never answered.
extension ClusterReconciler {
    mutating func runTimers(now: ReconcilerInstant, out: inout ActionBuffer) {
        retryReconciliation(now: now, out: &out)
        guard mode != .disconnected else { return }
        if isInSync, let last = lastImplicitReconcile, now >= last + configuration.reconcileInterval
        {
            lastImplicitReconcile = now
            out.append(.reconcile([]))
        }
        if let inFlight = membershipOperation,
            now >= inFlight.startedAt + configuration.membershipOperationTimeout
        {
            membershipOperationFailed(
                inFlight.operation,
                reason: "no answer within \(configuration.membershipOperationTimeout)", now: now,
                out: &out)
        }
        guard isInSync else { return }
        for id in tasks.keys.sorted() {
            guard let task = tasks[id] else { continue }
            switch task.state {
            case .launching, .starting:
                if let launched = task.launchedAt, now >= launched + configuration.launchTimeout {
                    kill(
                        id,
                        because: "no RUNNING within \(configuration.launchTimeout) of its launch",
                        now: now,
                        out: &out)
                }
            case .killing:
                if let sent = task.killSentAt, now >= sent + configuration.killRetryInterval {
                    tasks[id]?.killSentAt = now
                    out.append(.kill(id, agentID: task.agentID))
                }
            case .running:
                break
            }
        }
    }

    /// Synced with the master (reconciliation answered for every task).
    var isInSync: Bool {
        switch mode {
        case .mutable, .reseeding, .awaitingOperator: true
        case .disconnected, .syncing: false
        }
    }

    /// Explicit reconciliation of the tasks that have not answered, with backoff, until all have.
    private mutating func retryReconciliation(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard case .syncing(var progress) = mode, now >= progress.nextRetryAt else { return }
        let unheard = unheardTasks
        guard !unheard.isEmpty else { return }
        progress.attempts += 1
        progress.nextRetryAt = now + configuration.retryDelay(afterFailures: progress.attempts)
        mode = .syncing(progress)
        if progress.attempts > configuration.retryBackoff.count {
            out.log(
                .warning,
                "\(unheard.count) task(s) still unanswered after \(now - progress.startedAt) of reconciliation"
            )
        }
        out.append(.reconcile(unheard))
    }
}

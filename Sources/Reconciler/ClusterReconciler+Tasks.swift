/// Subscription, reconciliation and task updates (docs/original-behaviour.md §5.3–5.5, §7.2).
extension ClusterReconciler {
    /// Every (re)subscription starts a sync, also one without a disconnect before it (the original only
    /// cleared its maps there and could launch a fresh `new` cluster in the gap).
    mutating func subscribed(_ newID: FrameworkID, now: ReconcilerInstant, out: inout ActionBuffer)
    {
        if let old = frameworkID, old != newID {
            out.log(
                .warning,
                "subscribed as framework \(newID), not \(old): the old framework's tasks are gone")
        }
        if frameworkID != nil { newClusterNotBefore = now + configuration.chill }
        frameworkID = newID
        heldOffers = []
        pendingMember?.offer = nil
        offersSuppressed = false
        neededWhenLastRevived = 0
        for id in tasks.keys { tasks[id]?.heardSinceSubscription = false }
        let delay = configuration.retryDelay(afterFailures: 1)
        mode = .syncing(SyncProgress(startedAt: now, attempts: 1, nextRetryAt: now + delay))
        out.log(
            .notice, "subscribed as framework \(newID); reconciling \(tasks.count) known task(s)")
        out.append(.reconcile([]))
        if !tasks.isEmpty { out.append(.reconcile(unheardTasks)) }
        completeSyncIfAllHeard(now: now, out: &out)
    }

    mutating func disconnected(out: inout ActionBuffer) {
        guard mode != .disconnected else { return }
        mode = .disconnected
        heldOffers = []
        pendingMember?.offer = nil
        offersSuppressed = nil
        out.log(.warning, "disconnected from the Mesos master; no launches until subscribed again")
    }

    mutating func frameworkRemoved(now: ReconcilerInstant, out: inout ActionBuffer) {
        out.log(
            .error,
            "the master removed framework \(frameworkID?.rawValue ?? "?"); its \(tasks.count) task(s) are gone"
        )
        for id in tasks.keys.sorted() { endedTasks.insert(id) }
        failedServers += tasks.count
        tasks = [:]
        pendingMember = nil
        reseed = nil
        frameworkID = nil
        mode = .disconnected
        heldOffers = []
        offersSuppressed = nil
    }

    var unheardTasks: [TaskToReconcile] {
        tasks.values.filter { !$0.heardSinceSubscription }.sorted {
            $0.identity.index < $1.identity.index
        }
        .map { TaskToReconcile(taskID: $0.identity.taskID, agentID: $0.agentID) }
    }

    mutating func completeSyncIfAllHeard(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard case .syncing = mode, tasks.values.allSatisfy(\.heardSinceSubscription) else {
            return
        }
        mode = .mutable
        lastImplicitReconcile = now
        out.log(
            .notice,
            "in sync with the master: \(runningCount) of \(tasks.count) known task(s) running")
        if reseed != nil {
            resumeReseed(now: now, out: &out)
        } else {
            enterAwaitingOperatorIfTotallyLost(now: now, out: &out)
        }
    }

    mutating func receive(
        _ status: TaskStatusUpdate, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        if let ackID = status.acknowledgementID {
            out.acknowledgements.append(
                .acknowledge(status.taskID, agentID: status.agentID, acknowledgementID: ackID))
        }
        if var task = tasks[status.taskID] {
            task.heardSinceSubscription = true
            task.agentID = status.agentID ?? task.agentID
            tasks[status.taskID] = task
            if status.state.meansMemberIsGone {
                endTask(status, now: now, out: &out)
            } else {
                apply(status.state, to: status.taskID, now: now, out: &out)
            }
        } else {
            receiveUnknown(status, now: now, out: &out)
        }
        completeSyncIfAllHeard(now: now, out: &out)
    }

    private mutating func apply(
        _ state: TaskState, to id: TaskID, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard var task = tasks[id] else { return }
        switch state {
        case .running:
            if task.state != .killing && task.state != .running {
                task.state = .running
                out.log(.notice, "member \(task.identity.name) is running on \(task.identity.host)")
            }
            if !clusterFormed {
                clusterFormed = true
                pendingRestore = nil
                if clusterEpoch == 0 { clusterEpoch = 1 }
            }
        case .killing:
            task.state = .killing
            task.killSentAt = task.killSentAt ?? now
        default:
            if task.state == .launching { task.state = .starting }
            task.launchedAt = task.launchedAt ?? now
        }
        nextMemberIndex = max(nextMemberIndex, task.identity.index + 1)
        tasks[id] = task
    }

    /// A task ended: it is replaced through the normal path (its etcd member is removed before a new one is added).
    mutating func endTask(
        _ status: TaskStatusUpdate, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard let task = tasks.removeValue(forKey: status.taskID) else { return }
        endedTasks.insert(status.taskID)
        failedServers += 1
        let why = [status.reason, status.message].compactMap { $0 }.joined(separator: ": ")
        out.log(
            .warning,
            "member \(task.identity.name) on \(task.identity.host) ended: \(status.state.rawValue)"
                + (why.isEmpty ? "" : " (\(why))"))
        if let pending = pendingMember, tasks.isEmpty {
            out.log(
                .warning,
                "dropping the planned member \(pending.identity.name): no member is left to join")
            if let offer = pending.offer {
                heldOffers.append(HeldOffer(offer: offer, receivedAt: now))
            }
            pendingMember = nil
        }
        if reseed != nil { reseedTaskEnded(status.taskID, now: now, out: &out) }
        enterAwaitingOperatorIfTotallyLost(now: now, out: &out)
    }

    /// An update about a task the reconciler does not track: adopt it (its five-field ID says everything),
    /// or kill it when it was already replaced or would exceed the cluster size.
    private mutating func receiveUnknown(
        _ status: TaskStatusUpdate, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard !status.state.meansMemberIsGone else { return }
        guard let identity = MemberIdentity(taskID: status.taskID) else {
            out.log(.warning, "ignoring task '\(status.taskID)': not an etcd-mesos task ID")
            return
        }
        if endedTasks.contains(status.taskID) {
            out.log(.warning, "task \(status.taskID) came back after it was replaced; killing it")
            out.append(.kill(status.taskID, agentID: status.agentID))
            return
        }
        let hostTaken = configuration.singleInstancePerAgent && isOccupied(host: identity.host)
        guard tasks.count + (pendingMember == nil ? 0 : 1) < configuration.clusterSize, !hostTaken
        else {
            out.log(
                .warning,
                "killing unknown task \(status.taskID): it would exceed the cluster size or share a host"
            )
            out.append(.kill(status.taskID, agentID: status.agentID))
            return
        }
        tasks[status.taskID] = TrackedTask(
            identity: identity, agentID: status.agentID, state: .launching,
            heardSinceSubscription: true)
        out.log(.notice, "adopted task \(status.taskID) reported by the master")
        apply(status.state, to: status.taskID, now: now, out: &out)
        if mode == .awaitingOperator && status.state == .running {
            mode = .mutable
            out.log(
                .notice,
                "a member of the lost cluster is running again; leaving the total-loss wait")
        }
    }

    mutating func kill(
        _ id: TaskID, because reason: String, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard var task = tasks[id] else { return }
        task.state = .killing
        task.killSentAt = now
        tasks[id] = task
        out.log(.notice, "killing \(task.identity.name) on \(task.identity.host): \(reason)")
        out.append(.kill(id, agentID: task.agentID))
    }

    func isOccupied(host: String) -> Bool {
        tasks.values.contains { $0.identity.host == host } || pendingMember?.identity.host == host
    }
}

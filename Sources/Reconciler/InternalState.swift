/// The reconciler's mode; livelock is tracked beside it, in `HealthTracker`.
enum Mode: Equatable {
    case disconnected
    case syncing(SyncProgress)
    case mutable
    case reseeding
    case awaitingOperator
}

/// Reconciliation after a (re)subscription: who has answered, and when to ask again.
struct SyncProgress: Equatable {
    var startedAt: ReconcilerInstant
    var attempts: Int
    var nextRetryAt: ReconcilerInstant
}

/// A task the scheduler launched, adopted or restored and has not seen end.
struct TrackedTask: Equatable {
    var identity: MemberIdentity
    var agentID: AgentID?
    var state: ClusterMember.State
    /// An update arrived since the last subscription (reconciliation is complete when all have one).
    var heardSinceSubscription = false
    var launchedAt: ReconcilerInstant?
    var killSentAt: ReconcilerInstant?
    /// From the last probe that covered this task.
    var lastStatus: MemberStatus?
    var reachable: Bool?
}

/// An offer kept for a launch that the chill or a membership change holds back.
struct HeldOffer: Equatable {
    var offer: ResourceOffer
    var receivedAt: ReconcilerInstant
}

/// A member whose `member add` is in flight or done, waiting for its launch.
struct PendingMember: Equatable {
    var identity: MemberIdentity
    /// The offer it will launch on; nil once rescinded or voided by a disconnection.
    var offer: ResourceOffer?
}

/// The one etcd membership call in flight.
struct InFlightOperation: Equatable {
    var operation: MembershipOperation
    var startedAt: ReconcilerInstant
}

/// Health verdicts and the current livelock episode.
struct HealthTracker: Equatable {
    var lastAssessment: HealthAssessment?
    var consecutiveWithoutQuorum = 0
    var firstProbeWithoutQuorum: ReconcilerInstant?
    /// Start of the current livelock episode (the first probe without quorum).
    var livelockSince: ReconcilerInstant?

    mutating func reset() {
        consecutiveWithoutQuorum = 0
        firstProbeWithoutQuorum = nil
        livelockSince = nil
    }
}

/// A reseed in progress.
struct ReseedProgress: Equatable {
    enum Trigger: String {
        case automatic
        case operatorRequest = "operator request"
        case resumed = "resumed after restart"
    }

    var seed: TaskID
    /// Next candidates, best first.
    var remainingCandidates: [TaskID]
    var orderedAt: ReconcilerInstant
    var trigger: Trigger
    /// The executor confirmed the restart with `--force-new-cluster`.
    var delivered = false
    /// This process sent the order (false for a reseed restored from the persisted state).
    var orderSent = false
}

/// Tasks that ended recently, so that one coming back (a partitioned agent returning) is killed, not adopted.
struct EndedTasks: Equatable {
    private var order: [TaskID] = []
    private var members: Set<TaskID> = []
    private let capacity = 256

    mutating func insert(_ taskID: TaskID) {
        guard members.insert(taskID).inserted else { return }
        order.append(taskID)
        if order.count > capacity { members.remove(order.removeFirst()) }
    }

    func contains(_ taskID: TaskID) -> Bool { members.contains(taskID) }
}

/// Actions collected while handling one event; acknowledgements go last.
struct ActionBuffer {
    var actions: [ClusterAction] = []
    var acknowledgements: [ClusterAction] = []

    mutating func append(_ action: ClusterAction) { actions.append(action) }

    mutating func log(_ level: ReconcilerLogEntry.Level, _ message: String) {
        actions.append(.log(ReconcilerLogEntry(level: level, message: message)))
    }

    mutating func answer(
        _ request: OperatorAnswer.Request, _ outcome: OperatorAnswer.Outcome, _ message: String
    ) {
        actions.append(
            .answer(OperatorAnswer(request: request, outcome: outcome, message: message)))
        log(outcome == .refused ? .warning : .notice, "operator \(request.rawValue): \(message)")
    }
}

extension ReconcilerConfiguration {
    /// The wait before the next retry after `failures` consecutive failures (≥ 1).
    func retryDelay(afterFailures failures: Int) -> Duration {
        retryBackoff[min(max(failures, 1), retryBackoff.count) - 1]
    }
}

extension EtcdMemberID {
    /// etcd's usual hex spelling of a member ID.
    var hex: String { String(self, radix: 16) }
}

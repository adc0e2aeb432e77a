/// The Mesos task states the reconciler tells apart (v1 `TaskState`).
public enum TaskState: String, Sendable, Equatable, Codable, CaseIterable {
    case staging = "TASK_STAGING"
    case starting = "TASK_STARTING"
    case running = "TASK_RUNNING"
    case killing = "TASK_KILLING"
    case finished = "TASK_FINISHED"
    case failed = "TASK_FAILED"
    case killed = "TASK_KILLED"
    case error = "TASK_ERROR"
    case lost = "TASK_LOST"
    case dropped = "TASK_DROPPED"
    case unreachable = "TASK_UNREACHABLE"
    case gone = "TASK_GONE"
    case goneByOperator = "TASK_GONE_BY_OPERATOR"
    case unknown = "TASK_UNKNOWN"

    /// Whether the member is gone for the reconciler's purposes and must be replaced.
    ///
    /// Mesos's own terminal states, plus UNKNOWN (the master knows nothing of the task) and UNREACHABLE
    /// (its agent is cut off; if it comes back, the task is killed since its member has been replaced).
    public var meansMemberIsGone: Bool {
        switch self {
        case .staging, .starting, .running, .killing: false
        case .finished, .failed, .killed, .error, .lost, .dropped, .unreachable, .gone,
            .goneByOperator, .unknown:
            true
        }
    }
}

/// A task status update as the reconciler needs it; the Mesos adapter builds it from the v1 `UPDATE` event.
public struct TaskStatusUpdate: Sendable, Equatable {
    public var taskID: TaskID
    public var state: TaskState
    public var agentID: AgentID?
    /// The Mesos reason name, e.g. `REASON_AGENT_REMOVED`.
    public var reason: String?
    public var message: String?
    /// The update answers a RECONCILE call (`REASON_RECONCILIATION`, no uuid).
    public var fromReconciliation: Bool
    /// The update's uuid in whatever form the adapter needs to acknowledge it; nil when the update needs
    /// no acknowledgement (master-generated updates).
    public var acknowledgementID: String?

    public init(
        taskID: TaskID, state: TaskState, agentID: AgentID? = nil, reason: String? = nil,
        message: String? = nil,
        fromReconciliation: Bool = false, acknowledgementID: String? = nil
    ) {
        self.taskID = taskID
        self.state = state
        self.agentID = agentID
        self.reason = reason
        self.message = message
        self.fromReconciliation = fromReconciliation
        self.acknowledgementID = acknowledgementID
    }
}

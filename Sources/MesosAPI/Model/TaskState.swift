/// `TaskState`: the lifecycle state of a task, as reported in `TaskStatus.state`.
public enum TaskState: MesosEnum {
    case staging
    case starting
    case running
    case killing
    case finished
    case failed
    case killed
    case error
    case lost
    case dropped
    case unreachable
    case gone
    case goneByOperator
    case unknown
    case unrecognized(String)

    public static let knownCases: [TaskState] = [
        .staging,
        .starting,
        .running,
        .killing,
        .finished,
        .failed,
        .killed,
        .error,
        .lost,
        .dropped,
        .unreachable,
        .gone,
        .goneByOperator,
        .unknown,
    ]

    public var name: String {
        switch self {
        case .staging: "TASK_STAGING"
        case .starting: "TASK_STARTING"
        case .running: "TASK_RUNNING"
        case .killing: "TASK_KILLING"
        case .finished: "TASK_FINISHED"
        case .failed: "TASK_FAILED"
        case .killed: "TASK_KILLED"
        case .error: "TASK_ERROR"
        case .lost: "TASK_LOST"
        case .dropped: "TASK_DROPPED"
        case .unreachable: "TASK_UNREACHABLE"
        case .gone: "TASK_GONE"
        case .goneByOperator: "TASK_GONE_BY_OPERATOR"
        case .unknown: "TASK_UNKNOWN"
        case .unrecognized(let name): name
        }
    }

    /// Mesos' own `isTerminalState`: FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED, GONE, GONE_BY_OPERATOR.
    /// (TASK_LOST can still be followed by TASK_RUNNING when a partitioned agent returns.)
    public var isTerminal: Bool {
        switch self {
        case .finished, .failed, .killed, .error, .lost, .dropped, .gone, .goneByOperator: true
        default: false
        }
    }
}

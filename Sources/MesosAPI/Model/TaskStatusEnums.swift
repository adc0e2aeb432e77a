extension TaskStatus {
    /// `TaskStatus.Source`: who generated a status.
    public enum Source: MesosEnum {
        case master
        case agent
        case executor
        case unrecognized(String)

        public static let knownCases: [Source] = [
            .master,
            .agent,
            .executor,
        ]

        public var name: String {
            switch self {
            case .master: "SOURCE_MASTER"
            case .agent: "SOURCE_AGENT"
            case .executor: "SOURCE_EXECUTOR"
            case .unrecognized(let name): name
            }
        }
    }

    /// `TaskStatus.Reason`: why a status was sent (`REASON_AGENT_REMOVED` is `.agentRemoved`).
    public enum Reason: MesosEnum {
        case commandExecutorFailed
        case containerLaunchFailed
        case containerLimitation
        case containerLimitationDisk
        case containerLimitationMemory
        case containerPreempted
        case containerUpdateFailed
        case maxCompletionTimeReached
        case executorRegistrationTimeout
        case executorReregistrationTimeout
        case executorTerminated
        case executorUnregistered
        case frameworkRemoved
        case gcError
        case invalidFrameworkID
        case invalidOffers
        case ioSwitchboardExited
        case masterDisconnected
        case reconciliation
        case resourcesUnknown
        case agentDisconnected
        case agentRemoved
        case agentRemovedByOperator
        case agentReregistered
        case agentRestarted
        case agentUnknown
        case agentDraining
        case taskCheckStatusUpdated
        case taskHealthCheckStatusUpdated
        case taskGroupInvalid
        case taskGroupUnauthorized
        case taskInvalid
        case taskKilledDuringLaunch
        case taskUnauthorized
        case taskUnknown
        case unrecognized(String)

        public static let knownCases: [Reason] = [
            .commandExecutorFailed,
            .containerLaunchFailed,
            .containerLimitation,
            .containerLimitationDisk,
            .containerLimitationMemory,
            .containerPreempted,
            .containerUpdateFailed,
            .maxCompletionTimeReached,
            .executorRegistrationTimeout,
            .executorReregistrationTimeout,
            .executorTerminated,
            .executorUnregistered,
            .frameworkRemoved,
            .gcError,
            .invalidFrameworkID,
            .invalidOffers,
            .ioSwitchboardExited,
            .masterDisconnected,
            .reconciliation,
            .resourcesUnknown,
            .agentDisconnected,
            .agentRemoved,
            .agentRemovedByOperator,
            .agentReregistered,
            .agentRestarted,
            .agentUnknown,
            .agentDraining,
            .taskCheckStatusUpdated,
            .taskHealthCheckStatusUpdated,
            .taskGroupInvalid,
            .taskGroupUnauthorized,
            .taskInvalid,
            .taskKilledDuringLaunch,
            .taskUnauthorized,
            .taskUnknown,
        ]

        public var name: String {
            switch self {
            case .commandExecutorFailed: "REASON_COMMAND_EXECUTOR_FAILED"
            case .containerLaunchFailed: "REASON_CONTAINER_LAUNCH_FAILED"
            case .containerLimitation: "REASON_CONTAINER_LIMITATION"
            case .containerLimitationDisk: "REASON_CONTAINER_LIMITATION_DISK"
            case .containerLimitationMemory: "REASON_CONTAINER_LIMITATION_MEMORY"
            case .containerPreempted: "REASON_CONTAINER_PREEMPTED"
            case .containerUpdateFailed: "REASON_CONTAINER_UPDATE_FAILED"
            case .maxCompletionTimeReached: "REASON_MAX_COMPLETION_TIME_REACHED"
            case .executorRegistrationTimeout: "REASON_EXECUTOR_REGISTRATION_TIMEOUT"
            case .executorReregistrationTimeout: "REASON_EXECUTOR_REREGISTRATION_TIMEOUT"
            case .executorTerminated: "REASON_EXECUTOR_TERMINATED"
            case .executorUnregistered: "REASON_EXECUTOR_UNREGISTERED"
            case .frameworkRemoved: "REASON_FRAMEWORK_REMOVED"
            case .gcError: "REASON_GC_ERROR"
            case .invalidFrameworkID: "REASON_INVALID_FRAMEWORKID"
            case .invalidOffers: "REASON_INVALID_OFFERS"
            case .ioSwitchboardExited: "REASON_IO_SWITCHBOARD_EXITED"
            case .masterDisconnected: "REASON_MASTER_DISCONNECTED"
            case .reconciliation: "REASON_RECONCILIATION"
            case .resourcesUnknown: "REASON_RESOURCES_UNKNOWN"
            case .agentDisconnected: "REASON_AGENT_DISCONNECTED"
            case .agentRemoved: "REASON_AGENT_REMOVED"
            case .agentRemovedByOperator: "REASON_AGENT_REMOVED_BY_OPERATOR"
            case .agentReregistered: "REASON_AGENT_REREGISTERED"
            case .agentRestarted: "REASON_AGENT_RESTARTED"
            case .agentUnknown: "REASON_AGENT_UNKNOWN"
            case .agentDraining: "REASON_AGENT_DRAINING"
            case .taskCheckStatusUpdated: "REASON_TASK_CHECK_STATUS_UPDATED"
            case .taskHealthCheckStatusUpdated: "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"
            case .taskGroupInvalid: "REASON_TASK_GROUP_INVALID"
            case .taskGroupUnauthorized: "REASON_TASK_GROUP_UNAUTHORIZED"
            case .taskInvalid: "REASON_TASK_INVALID"
            case .taskKilledDuringLaunch: "REASON_TASK_KILLED_DURING_LAUNCH"
            case .taskUnauthorized: "REASON_TASK_UNAUTHORIZED"
            case .taskUnknown: "REASON_TASK_UNKNOWN"
            case .unrecognized(let name): name
            }
        }
    }
}

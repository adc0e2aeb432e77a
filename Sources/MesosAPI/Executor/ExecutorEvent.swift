import Foundation

/// `mesos.v1.executor.Event`: one record of the executor's SUBSCRIBE response stream.
public enum ExecutorEvent: Codable, Sendable, Hashable {
    /// Connected (or reconnected after an agent restart).
    case subscribed(Subscribed)
    /// Start this task.
    case launch(Launch)
    /// Start these tasks (DEFAULT executor).
    case launchGroup(LaunchGroup)
    /// Stop this task; a terminal update is mandatory.
    case kill(Kill)
    /// The agent has the update; drop it (and its TaskInfo) from the unacknowledged lists.
    case acknowledged(Acknowledged)
    case message(Message)
    /// Kill every task, send TASK_KILLED for each, and exit within the grace period.
    case shutdown
    /// Abort and re-subscribe.
    case error(ErrorMessage)
    case heartbeat
    case unrecognized(String)

    /// The proto type name (`"LAUNCH"`).
    public var typeName: String {
        switch self {
        case .subscribed: "SUBSCRIBED"
        case .launch: "LAUNCH"
        case .launchGroup: "LAUNCH_GROUP"
        case .kill: "KILL"
        case .acknowledged: "ACKNOWLEDGED"
        case .message: "MESSAGE"
        case .shutdown: "SHUTDOWN"
        case .error: "ERROR"
        case .heartbeat: "HEARTBEAT"
        case .unrecognized(let name): name
        }
    }

    /// SUBSCRIBED. The agent's id is `agentInfo.id`.
    public struct Subscribed: Codable, Sendable, Hashable {
        public var executorInfo: ExecutorInfo
        public var frameworkInfo: FrameworkInfo
        public var agentInfo: AgentInfo
        public var containerID: ContainerID?

        public init(
            executorInfo: ExecutorInfo, frameworkInfo: FrameworkInfo, agentInfo: AgentInfo,
            containerID: ContainerID? = nil
        ) {
            self.executorInfo = executorInfo
            self.frameworkInfo = frameworkInfo
            self.agentInfo = agentInfo
            self.containerID = containerID
        }

        enum CodingKeys: String, CodingKey {
            case executorInfo = "executor_info"
            case frameworkInfo = "framework_info"
            case agentInfo = "agent_info"
            case containerID = "container_id"
        }
    }

    /// LAUNCH.
    public struct Launch: Codable, Sendable, Hashable {
        public var task: TaskInfo

        public init(task: TaskInfo) { self.task = task }
    }

    /// LAUNCH_GROUP.
    public struct LaunchGroup: Codable, Sendable, Hashable {
        public var taskGroup: TaskGroupInfo

        public init(taskGroup: TaskGroupInfo) { self.taskGroup = taskGroup }

        enum CodingKeys: String, CodingKey { case taskGroup = "task_group" }
    }

    /// KILL; `killPolicy` overrides the task's own.
    public struct Kill: Codable, Sendable, Hashable {
        public var taskID: TaskID
        public var killPolicy: KillPolicy?

        public init(taskID: TaskID, killPolicy: KillPolicy? = nil) {
            self.taskID = taskID
            self.killPolicy = killPolicy
        }

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case killPolicy = "kill_policy"
        }
    }

    /// ACKNOWLEDGED.
    public struct Acknowledged: Codable, Sendable, Hashable {
        public var taskID: TaskID
        public var uuid: Data

        public init(taskID: TaskID, uuid: Data) {
            self.taskID = taskID
            self.uuid = uuid
        }

        enum CodingKeys: String, CodingKey {
            case uuid
            case taskID = "task_id"
        }
    }

    /// MESSAGE from the scheduler.
    public struct Message: Codable, Sendable, Hashable {
        public var data: Data

        public init(data: Data) { self.data = data }
    }

    /// ERROR (`Event.Error` in the proto).
    public struct ErrorMessage: Codable, Sendable, Hashable {
        public var message: String

        public init(message: String) { self.message = message }
    }

    enum CodingKeys: String, CodingKey {
        case type, subscribed, launch, kill, acknowledged, message, error
        case launchGroup = "launch_group"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "SUBSCRIBED": self = .subscribed(try c.decode(Subscribed.self, forKey: .subscribed))
        case "LAUNCH": self = .launch(try c.decode(Launch.self, forKey: .launch))
        case "LAUNCH_GROUP":
            self = .launchGroup(try c.decode(LaunchGroup.self, forKey: .launchGroup))
        case "KILL": self = .kill(try c.decode(Kill.self, forKey: .kill))
        case "ACKNOWLEDGED":
            self = .acknowledged(try c.decode(Acknowledged.self, forKey: .acknowledged))
        case "MESSAGE": self = .message(try c.decode(Message.self, forKey: .message))
        case "SHUTDOWN": self = .shutdown
        case "ERROR": self = .error(try c.decode(ErrorMessage.self, forKey: .error))
        case "HEARTBEAT": self = .heartbeat
        default: self = .unrecognized(type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .subscribed(let value): try c.encode(value, forKey: .subscribed)
        case .launch(let value): try c.encode(value, forKey: .launch)
        case .launchGroup(let value): try c.encode(value, forKey: .launchGroup)
        case .kill(let value): try c.encode(value, forKey: .kill)
        case .acknowledged(let value): try c.encode(value, forKey: .acknowledged)
        case .message(let value): try c.encode(value, forKey: .message)
        case .error(let value): try c.encode(value, forKey: .error)
        case .shutdown, .heartbeat, .unrecognized: break
        }
    }
}

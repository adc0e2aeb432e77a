import Foundation

/// `TaskInfo`: a task to launch. `name`, `taskID` and `agentID` are required; exactly one of `executor` and
/// `command` must be set (Mesos answers TASK_ERROR otherwise).
public struct TaskInfo: Codable, Sendable, Hashable {
    public var name: String
    public var taskID: TaskID
    public var agentID: AgentID
    public var resources: [Resource]
    public var executor: ExecutorInfo?
    public var command: CommandInfo?
    /// Opaque bytes for the executor (base64 in JSON).
    public var data: Data?
    public var labels: Labels?
    public var discovery: DiscoveryInfo?
    public var killPolicy: KillPolicy?
    public var maxCompletionTime: DurationInfo?

    public init(
        name: String, taskID: TaskID, agentID: AgentID, resources: [Resource] = [],
        executor: ExecutorInfo? = nil, command: CommandInfo? = nil, data: Data? = nil,
        labels: Labels? = nil,
        discovery: DiscoveryInfo? = nil, killPolicy: KillPolicy? = nil,
        maxCompletionTime: DurationInfo? = nil
    ) {
        self.name = name
        self.taskID = taskID
        self.agentID = agentID
        self.resources = resources
        self.executor = executor
        self.command = command
        self.data = data
        self.labels = labels
        self.discovery = discovery
        self.killPolicy = killPolicy
        self.maxCompletionTime = maxCompletionTime
    }

    enum CodingKeys: String, CodingKey {
        case name, resources, executor, command, data, labels, discovery
        case taskID = "task_id"
        case agentID = "agent_id"
        case killPolicy = "kill_policy"
        case maxCompletionTime = "max_completion_time"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        taskID = try container.decode(TaskID.self, forKey: .taskID)
        agentID = try container.decode(AgentID.self, forKey: .agentID)
        resources = try container.decodeRepeated(Resource.self, forKey: .resources)
        executor = try container.decodeIfPresent(ExecutorInfo.self, forKey: .executor)
        command = try container.decodeIfPresent(CommandInfo.self, forKey: .command)
        data = try container.decodeIfPresent(Data.self, forKey: .data)
        labels = try container.decodeIfPresent(Labels.self, forKey: .labels)
        discovery = try container.decodeIfPresent(DiscoveryInfo.self, forKey: .discovery)
        killPolicy = try container.decodeIfPresent(KillPolicy.self, forKey: .killPolicy)
        maxCompletionTime = try container.decodeIfPresent(
            DurationInfo.self, forKey: .maxCompletionTime)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(taskID, forKey: .taskID)
        try container.encode(agentID, forKey: .agentID)
        try container.encodeRepeated(resources, forKey: .resources)
        try container.encodeIfPresent(executor, forKey: .executor)
        try container.encodeIfPresent(command, forKey: .command)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(discovery, forKey: .discovery)
        try container.encodeIfPresent(killPolicy, forKey: .killPolicy)
        try container.encodeIfPresent(maxCompletionTime, forKey: .maxCompletionTime)
    }
}

/// `TaskGroupInfo`: the tasks of a LAUNCH_GROUP.
public struct TaskGroupInfo: Codable, Sendable, Hashable {
    public var tasks: [TaskInfo]

    public init(tasks: [TaskInfo] = []) { self.tasks = tasks }

    enum CodingKeys: String, CodingKey { case tasks }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tasks = try container.decodeRepeated(TaskInfo.self, forKey: .tasks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeRepeated(tasks, forKey: .tasks)
    }
}

/// `ExecutorInfo`: the executor that runs a framework's tasks on an agent. Every task naming the same
/// executor ID on one agent must carry an identical ExecutorInfo while that executor lives.
public struct ExecutorInfo: Codable, Sendable, Hashable {
    /// `ExecutorInfo.Type`: CUSTOM needs `command`; DEFAULT (Mesos' own, for task groups) must not have one.
    public enum Kind: MesosEnum {
        case unknown, `default`, custom
        case unrecognized(String)

        public static let knownCases: [Kind] = [.unknown, .default, .custom]

        public var name: String {
            switch self {
            case .unknown: "UNKNOWN"
            case .default: "DEFAULT"
            case .custom: "CUSTOM"
            case .unrecognized(let name): name
            }
        }
    }

    public var type: Kind?
    public var executorID: ExecutorID
    /// Filled in by the master.
    public var frameworkID: FrameworkID?
    public var command: CommandInfo?
    public var resources: [Resource]
    public var name: String?
    /// Deprecated in Mesos.
    public var source: String?
    public var data: Data?
    public var discovery: DiscoveryInfo?
    public var shutdownGracePeriod: DurationInfo?
    public var labels: Labels?

    public init(
        type: Kind? = nil, executorID: ExecutorID, frameworkID: FrameworkID? = nil,
        command: CommandInfo? = nil,
        resources: [Resource] = [], name: String? = nil, source: String? = nil, data: Data? = nil,
        discovery: DiscoveryInfo? = nil, shutdownGracePeriod: DurationInfo? = nil,
        labels: Labels? = nil
    ) {
        self.type = type
        self.executorID = executorID
        self.frameworkID = frameworkID
        self.command = command
        self.resources = resources
        self.name = name
        self.source = source
        self.data = data
        self.discovery = discovery
        self.shutdownGracePeriod = shutdownGracePeriod
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey {
        case type, command, resources, name, source, data, discovery, labels
        case executorID = "executor_id"
        case frameworkID = "framework_id"
        case shutdownGracePeriod = "shutdown_grace_period"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(Kind.self, forKey: .type)
        executorID = try container.decode(ExecutorID.self, forKey: .executorID)
        frameworkID = try container.decodeIfPresent(FrameworkID.self, forKey: .frameworkID)
        command = try container.decodeIfPresent(CommandInfo.self, forKey: .command)
        resources = try container.decodeRepeated(Resource.self, forKey: .resources)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        data = try container.decodeIfPresent(Data.self, forKey: .data)
        discovery = try container.decodeIfPresent(DiscoveryInfo.self, forKey: .discovery)
        shutdownGracePeriod = try container.decodeIfPresent(
            DurationInfo.self, forKey: .shutdownGracePeriod)
        labels = try container.decodeIfPresent(Labels.self, forKey: .labels)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encode(executorID, forKey: .executorID)
        try container.encodeIfPresent(frameworkID, forKey: .frameworkID)
        try container.encodeIfPresent(command, forKey: .command)
        try container.encodeRepeated(resources, forKey: .resources)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(data, forKey: .data)
        try container.encodeIfPresent(discovery, forKey: .discovery)
        try container.encodeIfPresent(shutdownGracePeriod, forKey: .shutdownGracePeriod)
        try container.encodeIfPresent(labels, forKey: .labels)
    }
}

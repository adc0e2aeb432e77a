import Foundation
import MesosAPI

/// What the master knows of one framework.
public struct FrameworkRecord: Sendable, Hashable {
    public let id: FrameworkID
    /// The latest FrameworkInfo, with `id` set.
    public var info: FrameworkInfo
    /// The live subscription stream; `nil` while the framework is disconnected.
    public var streamID: StreamID?
    public var registeredTime: Date
    public var reregisteredTime: Date?
    /// When the framework last disconnected.
    public var unregisteredTime: Date?
    /// When a disconnected framework is removed unless it re-subscribes first.
    public var failoverDeadline: Date?
    /// Roles that get no offers until REVIVE.
    public var suppressedRoles: Set<String>
    /// Tasks not yet terminal, or terminal with the terminal update not yet acknowledged.
    public var tasks: [TaskID: TaskRecord] = [:]
    /// Tasks on agents that became unreachable.
    public var unreachableTasks: [TaskID: TaskRecord] = [:]
    /// Finished tasks, oldest first (bounded).
    public var completedTasks: [TaskRecord] = []
    /// Outstanding offers to this framework.
    public var offerIDs: Set<OfferID> = []

    public var isConnected: Bool { streamID != nil }
    public var isPartitionAware: Bool { info.hasCapability(.partitionAware) }
    public var isMultiRole: Bool { info.hasCapability(.multiRole) }
    public var checkpoints: Bool { info.checkpoint ?? false }

    /// The roles the framework subscribed with: `roles` for MULTI_ROLE, else `role` (default `*`).
    public var roles: [String] { isMultiRole ? info.roles : [info.role ?? "*"] }

    /// Failover timeout in seconds (Mesos default 0).
    public var failoverTimeout: Double { info.failoverTimeout ?? 0 }
}

/// A task as the master tracks it.
public struct TaskRecord: Sendable, Hashable {
    public var info: TaskInfo
    public var frameworkID: FrameworkID
    public var agentID: AgentID
    public var role: String
    /// The latest state reported, whether or not delivered to the scheduler yet.
    public var state: TaskState
    /// Every status received, oldest first (for `/master/state`).
    public var statuses: [TaskStatus] = []
    /// Agent updates waiting for the scheduler's acknowledgement; the first is being delivered.
    public var pendingUpdates: [TaskStatus] = []
    /// When to send the first pending update again if it is still unacknowledged.
    public var retryAt: Date?
    /// The current wait between retries.
    public var retryInterval: Double = 0
    /// The resources the task itself uses (not its executor's).
    public var resources: ResourceBag

    public var executorID: ExecutorID? { info.executor?.executorID }

    /// The state reconciliation reports: that of the update being delivered, else the latest.
    public var reportedState: TaskState { pendingUpdates.first?.state ?? state }
}

/// What the master knows of one agent.
public struct AgentRecord: Sendable, Hashable {
    public let id: AgentID
    /// Hostname, port, resources, attributes and `id`.
    public var info: AgentInfo
    public var total: ResourceBag
    /// Used by tasks and executors.
    public var allocated = ResourceBag()
    /// Held by outstanding offers.
    public var offered = ResourceBag()
    public var offerIDs: Set<OfferID> = []
    /// False from a disconnection until the agent comes back.
    public var isConnected = true
    /// Fault injection: when true the agent's resources are not offered.
    public var offeringPaused = false
    public var registeredTime: Date
    public var reregisteredTime: Date?
    /// When a disconnected agent is marked unreachable.
    public var reregisterDeadline: Date?
    /// Executors per framework, with the ExecutorInfo every task using them must repeat.
    public var executors: [FrameworkID: [ExecutorID: ExecutorInfo]] = [:]
    /// Task IDs per framework (tasks known to the master as live on this agent).
    public var tasks: [FrameworkID: Set<TaskID>] = [:]

    /// Resources neither used nor offered.
    public var available: ResourceBag { total - allocated - offered }

    public func hasExecutor(_ id: ExecutorID, of framework: FrameworkID) -> Bool {
        executors[framework]?[id] != nil
    }
}

/// An outstanding offer.
public struct OfferRecord: Sendable, Hashable {
    /// The offer as sent to the framework.
    public var offer: Offer
    public var resources: ResourceBag
    public var role: String
}

/// Resources a framework declined on one agent, not to be offered again until `expires`.
public struct DeclineFilter: Sendable, Hashable {
    public var resources: ResourceBag
    public var expires: Date
}

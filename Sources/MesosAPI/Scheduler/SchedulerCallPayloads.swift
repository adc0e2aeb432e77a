import Foundation

extension SchedulerCall {
    /// SUBSCRIBE: open the event stream (see `SchedulerCall.subscribe(_:suppressedRoles:)`).
    public struct Subscribe: Codable, Sendable, Hashable {
        public var frameworkInfo: FrameworkInfo
        /// Roles that start suppressed (no offers until REVIVE).
        public var suppressedRoles: [String]

        public init(frameworkInfo: FrameworkInfo, suppressedRoles: [String] = []) {
            self.frameworkInfo = frameworkInfo
            self.suppressedRoles = suppressedRoles
        }

        enum CodingKeys: String, CodingKey {
            case frameworkInfo = "framework_info"
            case suppressedRoles = "suppressed_roles"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            frameworkInfo = try c.decode(FrameworkInfo.self, forKey: .frameworkInfo)
            suppressedRoles = try c.decodeRepeated(String.self, forKey: .suppressedRoles)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(frameworkInfo, forKey: .frameworkInfo)
            try c.encodeRepeated(suppressedRoles, forKey: .suppressedRoles)
        }
    }

    /// UPDATE_FRAMEWORK: change roles, name, labels, failover timeout or capabilities in place.
    /// `frameworkInfo.id` must equal the call's `frameworkID`.
    public typealias UpdateFramework = Subscribe

    /// ACCEPT: use offers (all from one agent); what is not used is declined with `filters`.
    public struct Accept: Codable, Sendable, Hashable {
        public var offerIDs: [OfferID]
        public var operations: [Offer.Operation]
        public var filters: Filters?

        public init(
            offerIDs: [OfferID] = [], operations: [Offer.Operation] = [], filters: Filters? = nil
        ) {
            self.offerIDs = offerIDs
            self.operations = operations
            self.filters = filters
        }

        enum CodingKeys: String, CodingKey {
            case operations, filters
            case offerIDs = "offer_ids"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            offerIDs = try c.decodeRepeated(OfferID.self, forKey: .offerIDs)
            operations = try c.decodeRepeated(Offer.Operation.self, forKey: .operations)
            filters = try c.decodeIfPresent(Filters.self, forKey: .filters)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(offerIDs, forKey: .offerIDs)
            try c.encodeRepeated(operations, forKey: .operations)
            try c.encodeIfPresent(filters, forKey: .filters)
        }
    }

    /// DECLINE: give offers back; `filters.refuseSeconds` keeps them away for a while (Mesos default 5 s).
    public struct Decline: Codable, Sendable, Hashable {
        public var offerIDs: [OfferID]
        public var filters: Filters?

        public init(offerIDs: [OfferID] = [], filters: Filters? = nil) {
            self.offerIDs = offerIDs
            self.filters = filters
        }

        enum CodingKeys: String, CodingKey {
            case filters
            case offerIDs = "offer_ids"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            offerIDs = try c.decodeRepeated(OfferID.self, forKey: .offerIDs)
            filters = try c.decodeIfPresent(Filters.self, forKey: .filters)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(offerIDs, forKey: .offerIDs)
            try c.encodeIfPresent(filters, forKey: .filters)
        }
    }

    /// REVIVE: un-suppress offers and clear filters for `roles` (empty: all roles).
    public struct Revive: Codable, Sendable, Hashable {
        public var roles: [String]

        public init(roles: [String] = []) { self.roles = roles }

        enum CodingKeys: String, CodingKey { case roles }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            roles = try c.decodeRepeated(String.self, forKey: .roles)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(roles, forKey: .roles)
        }
    }

    /// SUPPRESS: stop offers for `roles` (empty: all roles); status updates are unaffected.
    public typealias Suppress = Revive

    /// KILL: kill a task; the executor gets a KILL event.
    public struct Kill: Codable, Sendable, Hashable {
        public var taskID: TaskID
        public var agentID: AgentID?
        public var killPolicy: KillPolicy?

        public init(taskID: TaskID, agentID: AgentID? = nil, killPolicy: KillPolicy? = nil) {
            self.taskID = taskID
            self.agentID = agentID
            self.killPolicy = killPolicy
        }

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case agentID = "agent_id"
            case killPolicy = "kill_policy"
        }
    }

    /// SHUTDOWN: shut an executor down (both fields required).
    public struct Shutdown: Codable, Sendable, Hashable {
        public var executorID: ExecutorID
        public var agentID: AgentID

        public init(executorID: ExecutorID, agentID: AgentID) {
            self.executorID = executorID
            self.agentID = agentID
        }

        enum CodingKeys: String, CodingKey {
            case executorID = "executor_id"
            case agentID = "agent_id"
        }
    }

    /// ACKNOWLEDGE: acknowledge a status update that carried a `uuid` (all fields required).
    public struct Acknowledge: Codable, Sendable, Hashable {
        public var agentID: AgentID
        public var taskID: TaskID
        /// The 16 raw bytes from `TaskStatus.uuid`.
        public var uuid: Data

        public init(agentID: AgentID, taskID: TaskID, uuid: Data) {
            self.agentID = agentID
            self.taskID = taskID
            self.uuid = uuid
        }

        /// The acknowledgement of `status`, or `nil` if it needs none (no `uuid`) or lacks its agent.
        public init?(_ status: TaskStatus) {
            guard let uuid = status.uuid, let agentID = status.agentID else { return nil }
            self.init(agentID: agentID, taskID: status.taskID, uuid: uuid)
        }

        enum CodingKeys: String, CodingKey {
            case uuid
            case agentID = "agent_id"
            case taskID = "task_id"
        }
    }

    /// RECONCILE: ask for the latest state of `tasks` (explicit) or of all tasks (empty: implicit).
    public struct Reconcile: Codable, Sendable, Hashable {
        public var tasks: [Task]

        public init(tasks: [Task] = []) { self.tasks = tasks }

        /// `Call.Reconcile.Task`.
        public struct Task: Codable, Sendable, Hashable {
            public var taskID: TaskID
            public var agentID: AgentID?

            public init(taskID: TaskID, agentID: AgentID? = nil) {
                self.taskID = taskID
                self.agentID = agentID
            }

            enum CodingKeys: String, CodingKey {
                case taskID = "task_id"
                case agentID = "agent_id"
            }
        }

        enum CodingKeys: String, CodingKey { case tasks }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            tasks = try c.decodeRepeated(Task.self, forKey: .tasks)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(tasks, forKey: .tasks)
        }
    }

    /// MESSAGE: best-effort bytes to an executor (all fields required).
    public struct Message: Codable, Sendable, Hashable {
        public var agentID: AgentID
        public var executorID: ExecutorID
        public var data: Data

        public init(agentID: AgentID, executorID: ExecutorID, data: Data) {
            self.agentID = agentID
            self.executorID = executorID
            self.data = data
        }

        enum CodingKeys: String, CodingKey {
            case data
            case agentID = "agent_id"
            case executorID = "executor_id"
        }
    }

    /// REQUEST: ask for resources (ignored by Mesos' default allocator).
    public struct Request: Codable, Sendable, Hashable {
        public var requests: [ResourceRequest]

        public init(requests: [ResourceRequest] = []) { self.requests = requests }

        enum CodingKeys: String, CodingKey { case requests }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            requests = try c.decodeRepeated(ResourceRequest.self, forKey: .requests)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(requests, forKey: .requests)
        }
    }
}

/// `mesos.v1.Request`: resources wanted, optionally on one agent.
public struct ResourceRequest: Codable, Sendable, Hashable {
    public var agentID: AgentID?
    public var resources: [Resource]

    public init(agentID: AgentID? = nil, resources: [Resource] = []) {
        self.agentID = agentID
        self.resources = resources
    }

    enum CodingKeys: String, CodingKey {
        case resources
        case agentID = "agent_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        agentID = try c.decodeIfPresent(AgentID.self, forKey: .agentID)
        resources = try c.decodeRepeated(Resource.self, forKey: .resources)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(agentID, forKey: .agentID)
        try c.encodeRepeated(resources, forKey: .resources)
    }
}

import Foundation

/// `TaskStatus`: a task's state change, sent by the executor (or agent/master) and delivered to the scheduler
/// in UPDATE events.
///
/// A status with a `uuid` must be acknowledged (scheduler ACKNOWLEDGE); master-generated ones (reconciliation
/// answers, agent removal) have none and must not be.
public struct TaskStatus: Codable, Sendable, Hashable {
    public var taskID: TaskID
    public var state: TaskState
    public var data: Data?
    public var message: String?
    public var agentID: AgentID?
    /// Seconds since the Unix epoch.
    public var timestamp: Double?
    public var executorID: ExecutorID?
    public var healthy: Bool?
    public var source: Source?
    public var reason: Reason?
    /// 16 raw bytes of a version-4 UUID (base64 in JSON).
    public var uuid: Data?
    public var labels: Labels?
    public var unreachableTime: TimeInfo?

    public init(
        taskID: TaskID, state: TaskState, data: Data? = nil, message: String? = nil,
        agentID: AgentID? = nil,
        timestamp: Double? = nil, executorID: ExecutorID? = nil, healthy: Bool? = nil,
        source: Source? = nil,
        reason: Reason? = nil, uuid: Data? = nil, labels: Labels? = nil,
        unreachableTime: TimeInfo? = nil
    ) {
        self.taskID = taskID
        self.state = state
        self.data = data
        self.message = message
        self.agentID = agentID
        self.timestamp = timestamp
        self.executorID = executorID
        self.healthy = healthy
        self.source = source
        self.reason = reason
        self.uuid = uuid
        self.labels = labels
        self.unreachableTime = unreachableTime
    }

    /// `uuid` as 16 bytes in a `UUID`, if it has that size.
    public var uuidValue: UUID? {
        guard let uuid, uuid.count == 16 else { return nil }
        let b = Array(uuid)
        return UUID(
            uuid: (
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]
            )
        )
    }

    /// The 16 raw bytes of `uuid`, as `TaskStatus.uuid` and ACKNOWLEDGE carry them.
    public static func uuidBytes(_ uuid: UUID = UUID()) -> Data {
        withUnsafeBytes(of: uuid.uuid) { Data($0) }
    }

    enum CodingKeys: String, CodingKey {
        case state, data, message, timestamp, healthy, source, reason, uuid, labels
        case taskID = "task_id"
        case agentID = "agent_id"
        case executorID = "executor_id"
        case unreachableTime = "unreachable_time"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        taskID = try container.decode(TaskID.self, forKey: .taskID)
        state = try container.decode(TaskState.self, forKey: .state)
        data = try container.decodeIfPresent(Data.self, forKey: .data)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        agentID = try container.decodeIfPresent(AgentID.self, forKey: .agentID)
        timestamp = try container.decodeNumberIfPresent(Double.self, forKey: .timestamp)
        executorID = try container.decodeIfPresent(ExecutorID.self, forKey: .executorID)
        healthy = try container.decodeIfPresent(Bool.self, forKey: .healthy)
        source = try container.decodeIfPresent(Source.self, forKey: .source)
        reason = try container.decodeIfPresent(Reason.self, forKey: .reason)
        uuid = try container.decodeIfPresent(Data.self, forKey: .uuid)
        labels = try container.decodeIfPresent(Labels.self, forKey: .labels)
        unreachableTime = try container.decodeIfPresent(TimeInfo.self, forKey: .unreachableTime)
    }
}

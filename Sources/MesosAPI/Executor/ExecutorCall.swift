import Foundation

/// `mesos.v1.executor.Call`: what an executor POSTs to the agent's `/api/v1/executor`.
///
/// JSON: `{"framework_id": {...}, "executor_id": {...}, "type": "UPDATE", "update": {...}}`; both ids are
/// required on every call.
public struct ExecutorCall: Codable, Sendable, Hashable {
    public var frameworkID: FrameworkID
    public var executorID: ExecutorID
    public var payload: Payload

    public init(frameworkID: FrameworkID, executorID: ExecutorID, _ payload: Payload) {
        self.frameworkID = frameworkID
        self.executorID = executorID
        self.payload = payload
    }

    /// The call's type with its payload.
    public enum Payload: Sendable, Hashable {
        /// Opens the event stream; re-sent after an agent restart with everything not yet acknowledged.
        case subscribe(Subscribe)
        case update(Update)
        case message(Message)
        case heartbeat
        case unrecognized(String)

        /// The proto type name (`"UPDATE"`).
        public var typeName: String {
            switch self {
            case .subscribe: "SUBSCRIBE"
            case .update: "UPDATE"
            case .message: "MESSAGE"
            case .heartbeat: "HEARTBEAT"
            case .unrecognized(let name): name
            }
        }
    }

    /// The proto type name of the payload.
    public var typeName: String { payload.typeName }

    /// SUBSCRIBE. The object is always sent, even with both lists empty.
    public struct Subscribe: Codable, Sendable, Hashable {
        public var unacknowledgedTasks: [TaskInfo]
        public var unacknowledgedUpdates: [Update]

        public init(unacknowledgedTasks: [TaskInfo] = [], unacknowledgedUpdates: [Update] = []) {
            self.unacknowledgedTasks = unacknowledgedTasks
            self.unacknowledgedUpdates = unacknowledgedUpdates
        }

        enum CodingKeys: String, CodingKey {
            case unacknowledgedTasks = "unacknowledged_tasks"
            case unacknowledgedUpdates = "unacknowledged_updates"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            unacknowledgedTasks = try c.decodeRepeated(TaskInfo.self, forKey: .unacknowledgedTasks)
            unacknowledgedUpdates = try c.decodeRepeated(
                Update.self, forKey: .unacknowledgedUpdates)
        }
    }

    /// UPDATE: `status.uuid` must be a fresh 16-byte UUID and `status.source` SOURCE_EXECUTOR.
    public struct Update: Codable, Sendable, Hashable {
        public var status: TaskStatus

        public init(status: TaskStatus) { self.status = status }
    }

    /// MESSAGE: best-effort bytes to the scheduler.
    public struct Message: Codable, Sendable, Hashable {
        public var data: Data

        public init(data: Data) { self.data = data }
    }

    enum CodingKeys: String, CodingKey {
        case type, subscribe, update, message
        case frameworkID = "framework_id"
        case executorID = "executor_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frameworkID = try c.decode(FrameworkID.self, forKey: .frameworkID)
        executorID = try c.decode(ExecutorID.self, forKey: .executorID)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "SUBSCRIBE":
            payload = .subscribe(
                try c.decodeIfPresent(Subscribe.self, forKey: .subscribe) ?? Subscribe())
        case "UPDATE": payload = .update(try c.decode(Update.self, forKey: .update))
        case "MESSAGE": payload = .message(try c.decode(Message.self, forKey: .message))
        case "HEARTBEAT": payload = .heartbeat
        default: payload = .unrecognized(type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frameworkID, forKey: .frameworkID)
        try c.encode(executorID, forKey: .executorID)
        try c.encode(payload.typeName, forKey: .type)
        switch payload {
        case .subscribe(let value): try c.encode(value, forKey: .subscribe)
        case .update(let value): try c.encode(value, forKey: .update)
        case .message(let value): try c.encode(value, forKey: .message)
        case .heartbeat, .unrecognized: break
        }
    }
}

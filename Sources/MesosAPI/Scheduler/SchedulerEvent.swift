import Foundation

/// `mesos.v1.scheduler.Event`: one record of the SUBSCRIBE response stream.
///
/// JSON: `{"type": "OFFERS", "offers": {"offers": [...]}}`. Types this library does not model (INVERSE_OFFERS,
/// RESCIND_INVERSE_OFFER, UPDATE_OPERATION_STATUS and any newer ones) decode as `.unrecognized(type)` and can
/// be ignored safely.
public enum SchedulerEvent: Codable, Sendable, Hashable {
    /// First event of a stream: persist `frameworkID` before anything else.
    case subscribed(Subscribed)
    case offers(Offers)
    /// An offer was withdrawn; forget it.
    case rescind(Rescind)
    /// A task's status changed; acknowledge it if it has a `uuid`.
    case update(Update)
    case message(Message)
    /// An executor exited (`executorID` set) or an agent was removed.
    case failure(Failure)
    /// Fatal for this subscription; the master closes the stream.
    case error(ErrorMessage)
    case heartbeat
    case unrecognized(String)

    /// The proto type name (`"OFFERS"`).
    public var typeName: String {
        switch self {
        case .subscribed: "SUBSCRIBED"
        case .offers: "OFFERS"
        case .rescind: "RESCIND"
        case .update: "UPDATE"
        case .message: "MESSAGE"
        case .failure: "FAILURE"
        case .error: "ERROR"
        case .heartbeat: "HEARTBEAT"
        case .unrecognized(let name): name
        }
    }

    /// SUBSCRIBED.
    public struct Subscribed: Codable, Sendable, Hashable {
        public var frameworkID: FrameworkID
        /// Mesos sends a HEARTBEAT this often (15 s on real masters).
        public var heartbeatIntervalSeconds: Double?
        public var masterInfo: MasterInfo?

        public init(
            frameworkID: FrameworkID, heartbeatIntervalSeconds: Double? = nil,
            masterInfo: MasterInfo? = nil
        ) {
            self.frameworkID = frameworkID
            self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
            self.masterInfo = masterInfo
        }

        enum CodingKeys: String, CodingKey {
            case frameworkID = "framework_id"
            case heartbeatIntervalSeconds = "heartbeat_interval_seconds"
            case masterInfo = "master_info"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            frameworkID = try c.decode(FrameworkID.self, forKey: .frameworkID)
            heartbeatIntervalSeconds = try c.decodeNumberIfPresent(
                Double.self, forKey: .heartbeatIntervalSeconds)
            masterInfo = try c.decodeIfPresent(MasterInfo.self, forKey: .masterInfo)
        }
    }

    /// OFFERS.
    public struct Offers: Codable, Sendable, Hashable {
        public var offers: [Offer]

        public init(offers: [Offer] = []) { self.offers = offers }

        enum CodingKeys: String, CodingKey { case offers }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            offers = try c.decodeRepeated(Offer.self, forKey: .offers)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeRepeated(offers, forKey: .offers)
        }
    }

    /// RESCIND.
    public struct Rescind: Codable, Sendable, Hashable {
        public var offerID: OfferID

        public init(offerID: OfferID) { self.offerID = offerID }

        enum CodingKeys: String, CodingKey { case offerID = "offer_id" }
    }

    /// UPDATE.
    public struct Update: Codable, Sendable, Hashable {
        public var status: TaskStatus

        public init(status: TaskStatus) { self.status = status }
    }

    /// MESSAGE from an executor: the same fields as the scheduler's MESSAGE call (all required).
    public typealias Message = SchedulerCall.Message

    /// FAILURE: with `executorID`, that executor exited with wait status `status` (-1: unknown);
    /// without it, the agent was removed.
    public struct Failure: Codable, Sendable, Hashable {
        public var agentID: AgentID?
        public var executorID: ExecutorID?
        public var status: Int32?

        public init(agentID: AgentID? = nil, executorID: ExecutorID? = nil, status: Int32? = nil) {
            self.agentID = agentID
            self.executorID = executorID
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case status
            case agentID = "agent_id"
            case executorID = "executor_id"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            agentID = try c.decodeIfPresent(AgentID.self, forKey: .agentID)
            executorID = try c.decodeIfPresent(ExecutorID.self, forKey: .executorID)
            status = try c.decodeNumberIfPresent(Int32.self, forKey: .status)
        }
    }

    /// ERROR (`Event.Error` in the proto): e.g. "Framework has been removed", "Framework failed over".
    public struct ErrorMessage: Codable, Sendable, Hashable {
        public var message: String

        public init(message: String) { self.message = message }
    }

    enum CodingKeys: String, CodingKey {
        case type, subscribed, offers, rescind, update, message, failure, error
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "SUBSCRIBED": self = .subscribed(try c.decode(Subscribed.self, forKey: .subscribed))
        case "OFFERS":
            self = .offers(try c.decodeIfPresent(Offers.self, forKey: .offers) ?? Offers())
        case "RESCIND": self = .rescind(try c.decode(Rescind.self, forKey: .rescind))
        case "UPDATE": self = .update(try c.decode(Update.self, forKey: .update))
        case "MESSAGE": self = .message(try c.decode(Message.self, forKey: .message))
        case "FAILURE":
            self = .failure(try c.decodeIfPresent(Failure.self, forKey: .failure) ?? Failure())
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
        case .offers(let value): try c.encode(value, forKey: .offers)
        case .rescind(let value): try c.encode(value, forKey: .rescind)
        case .update(let value): try c.encode(value, forKey: .update)
        case .message(let value): try c.encode(value, forKey: .message)
        case .failure(let value): try c.encode(value, forKey: .failure)
        case .error(let value): try c.encode(value, forKey: .error)
        case .heartbeat, .unrecognized: break
        }
    }
}

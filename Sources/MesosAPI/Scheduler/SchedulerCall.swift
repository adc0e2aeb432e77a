/// `mesos.v1.scheduler.Call`: what a scheduler POSTs to `/api/v1/scheduler`.
///
/// JSON: `{"framework_id": {...}, "type": "ACCEPT", "accept": {...}}`. `frameworkID` is required on every call
/// but a first SUBSCRIBE. Build calls with the payload cases, e.g.
/// `SchedulerCall(frameworkID: id, .decline(.init(offerIDs: [offer.id], filters: Filters(refuseSeconds: 30))))`.
public struct SchedulerCall: Codable, Sendable, Hashable {
    public var frameworkID: FrameworkID?
    public var payload: Payload

    public init(frameworkID: FrameworkID?, _ payload: Payload) {
        self.frameworkID = frameworkID
        self.payload = payload
    }

    /// A SUBSCRIBE for `frameworkInfo`. When it carries an `id` (re-subscription after failover), the same id
    /// is put in the top-level `framework_id`, as Mesos requires.
    public static func subscribe(_ frameworkInfo: FrameworkInfo, suppressedRoles: [String] = [])
        -> SchedulerCall
    {
        SchedulerCall(
            frameworkID: frameworkInfo.id,
            .subscribe(Subscribe(frameworkInfo: frameworkInfo, suppressedRoles: suppressedRoles)))
    }

    /// The call's type with its payload.
    public enum Payload: Sendable, Hashable {
        case subscribe(Subscribe)
        case teardown
        case accept(Accept)
        case decline(Decline)
        case revive(Revive)
        case kill(Kill)
        case shutdown(Shutdown)
        case acknowledge(Acknowledge)
        case reconcile(Reconcile)
        case message(Message)
        case request(Request)
        case suppress(Suppress)
        case updateFramework(UpdateFramework)
        /// A type this library does not model; encodes as the bare type.
        case unrecognized(String)

        /// The proto type name (`"ACCEPT"`).
        public var typeName: String {
            switch self {
            case .subscribe: "SUBSCRIBE"
            case .teardown: "TEARDOWN"
            case .accept: "ACCEPT"
            case .decline: "DECLINE"
            case .revive: "REVIVE"
            case .kill: "KILL"
            case .shutdown: "SHUTDOWN"
            case .acknowledge: "ACKNOWLEDGE"
            case .reconcile: "RECONCILE"
            case .message: "MESSAGE"
            case .request: "REQUEST"
            case .suppress: "SUPPRESS"
            case .updateFramework: "UPDATE_FRAMEWORK"
            case .unrecognized(let name): name
            }
        }
    }

    /// The proto type name of the payload.
    public var typeName: String { payload.typeName }

    enum CodingKeys: String, CodingKey {
        case type, subscribe, accept, decline, revive, kill, shutdown, acknowledge, reconcile,
            message, request
        case suppress
        case frameworkID = "framework_id"
        case updateFramework = "update_framework"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frameworkID = try c.decodeIfPresent(FrameworkID.self, forKey: .frameworkID)
        let type = try c.decode(String.self, forKey: .type)
        // Payloads whose fields are all optional may be left out entirely (`{"type": "REVIVE"}`).
        switch type {
        case "SUBSCRIBE": payload = .subscribe(try c.decode(Subscribe.self, forKey: .subscribe))
        case "TEARDOWN": payload = .teardown
        case "ACCEPT":
            payload = .accept(try c.decodeIfPresent(Accept.self, forKey: .accept) ?? Accept())
        case "DECLINE":
            payload = .decline(try c.decodeIfPresent(Decline.self, forKey: .decline) ?? Decline())
        case "REVIVE":
            payload = .revive(try c.decodeIfPresent(Revive.self, forKey: .revive) ?? Revive())
        case "KILL": payload = .kill(try c.decode(Kill.self, forKey: .kill))
        case "SHUTDOWN": payload = .shutdown(try c.decode(Shutdown.self, forKey: .shutdown))
        case "ACKNOWLEDGE":
            payload = .acknowledge(try c.decode(Acknowledge.self, forKey: .acknowledge))
        case "RECONCILE":
            payload = .reconcile(
                try c.decodeIfPresent(Reconcile.self, forKey: .reconcile) ?? Reconcile())
        case "MESSAGE": payload = .message(try c.decode(Message.self, forKey: .message))
        case "REQUEST":
            payload = .request(try c.decodeIfPresent(Request.self, forKey: .request) ?? Request())
        case "SUPPRESS":
            payload = .suppress(
                try c.decodeIfPresent(Suppress.self, forKey: .suppress) ?? Suppress())
        case "UPDATE_FRAMEWORK":
            payload = .updateFramework(try c.decode(UpdateFramework.self, forKey: .updateFramework))
        default: payload = .unrecognized(type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(frameworkID, forKey: .frameworkID)
        try c.encode(payload.typeName, forKey: .type)
        switch payload {
        case .subscribe(let value): try c.encode(value, forKey: .subscribe)
        case .accept(let value): try c.encode(value, forKey: .accept)
        case .decline(let value): try c.encode(value, forKey: .decline)
        case .revive(let value): try c.encode(value, forKey: .revive)
        case .kill(let value): try c.encode(value, forKey: .kill)
        case .shutdown(let value): try c.encode(value, forKey: .shutdown)
        case .acknowledge(let value): try c.encode(value, forKey: .acknowledge)
        case .reconcile(let value): try c.encode(value, forKey: .reconcile)
        case .message(let value): try c.encode(value, forKey: .message)
        case .request(let value): try c.encode(value, forKey: .request)
        case .suppress(let value): try c.encode(value, forKey: .suppress)
        case .updateFramework(let value): try c.encode(value, forKey: .updateFramework)
        case .teardown, .unrecognized: break
        }
    }
}

/// `FrameworkInfo`: who a framework is, sent in SUBSCRIBE and echoed to executors.
///
/// `user` and `name` are required. Use `roles` together with the MULTI_ROLE capability (and then leave the
/// deprecated `role` unset). `failoverTimeout` defaults to 0 in Mesos, which tears the framework down as
/// soon as its subscription breaks: long-lived frameworks must set it.
public struct FrameworkInfo: Codable, Sendable, Hashable {
    public var user: String
    public var name: String
    public var id: FrameworkID?
    /// Seconds the master waits for a re-SUBSCRIBE before removing the framework (Mesos default 0).
    public var failoverTimeout: Double?
    /// Whether agents checkpoint the framework's tasks (Mesos default false).
    public var checkpoint: Bool?
    /// Deprecated single role.
    public var role: String?
    public var hostname: String?
    public var principal: String?
    public var webuiURL: String?
    public var capabilities: [Capability]
    public var labels: Labels?
    public var roles: [String]

    public init(
        user: String, name: String, id: FrameworkID? = nil, failoverTimeout: Double? = nil,
        checkpoint: Bool? = nil, role: String? = nil, hostname: String? = nil,
        principal: String? = nil,
        webuiURL: String? = nil, capabilities: [Capability] = [], labels: Labels? = nil,
        roles: [String] = []
    ) {
        self.user = user
        self.name = name
        self.id = id
        self.failoverTimeout = failoverTimeout
        self.checkpoint = checkpoint
        self.role = role
        self.hostname = hostname
        self.principal = principal
        self.webuiURL = webuiURL
        self.capabilities = capabilities
        self.labels = labels
        self.roles = roles
    }

    /// True if `capabilities` lists `kind`.
    public func hasCapability(_ kind: Capability.Kind) -> Bool {
        capabilities.contains { $0.type == kind }
    }

    /// `FrameworkInfo.Capability`: `{"type": "MULTI_ROLE"}`.
    public struct Capability: Codable, Sendable, Hashable {
        public var type: Kind

        public init(_ type: Kind) { self.type = type }

        /// `FrameworkInfo.Capability.Type`.
        public enum Kind: MesosEnum {
            case unknown, revocableResources, taskKillingState, gpuResources, sharedResources
            case partitionAware, multiRole, reservationRefinement, regionAware
            case unrecognized(String)

            public static let knownCases: [Kind] = [
                .unknown, .revocableResources, .taskKillingState, .gpuResources, .sharedResources,
                .partitionAware, .multiRole, .reservationRefinement, .regionAware,
            ]

            public var name: String {
                switch self {
                case .unknown: "UNKNOWN"
                case .revocableResources: "REVOCABLE_RESOURCES"
                case .taskKillingState: "TASK_KILLING_STATE"
                case .gpuResources: "GPU_RESOURCES"
                case .sharedResources: "SHARED_RESOURCES"
                case .partitionAware: "PARTITION_AWARE"
                case .multiRole: "MULTI_ROLE"
                case .reservationRefinement: "RESERVATION_REFINEMENT"
                case .regionAware: "REGION_AWARE"
                case .unrecognized(let name): name
                }
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case user, name, id, checkpoint, role, hostname, principal, capabilities, labels, roles
        case failoverTimeout = "failover_timeout"
        case webuiURL = "webui_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decode(String.self, forKey: .user)
        name = try container.decode(String.self, forKey: .name)
        id = try container.decodeIfPresent(FrameworkID.self, forKey: .id)
        failoverTimeout = try container.decodeNumberIfPresent(Double.self, forKey: .failoverTimeout)
        checkpoint = try container.decodeIfPresent(Bool.self, forKey: .checkpoint)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
        principal = try container.decodeIfPresent(String.self, forKey: .principal)
        webuiURL = try container.decodeIfPresent(String.self, forKey: .webuiURL)
        capabilities = try container.decodeRepeated(Capability.self, forKey: .capabilities)
        labels = try container.decodeIfPresent(Labels.self, forKey: .labels)
        roles = try container.decodeRepeated(String.self, forKey: .roles)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(failoverTimeout, forKey: .failoverTimeout)
        try container.encodeIfPresent(checkpoint, forKey: .checkpoint)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encodeIfPresent(principal, forKey: .principal)
        try container.encodeIfPresent(webuiURL, forKey: .webuiURL)
        try container.encodeRepeated(capabilities, forKey: .capabilities)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeRepeated(roles, forKey: .roles)
    }
}

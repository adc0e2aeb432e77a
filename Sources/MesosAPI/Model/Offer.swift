/// `Offer`: resources on one agent that the master offers to this framework.
public struct Offer: Codable, Sendable, Hashable {
    public var id: OfferID
    public var frameworkID: FrameworkID
    public var agentID: AgentID
    /// The agent's hostname; tasks bind and advertise on it.
    public var hostname: String
    public var url: MesosURL?
    public var resources: [Resource]
    public var attributes: [Attribute]
    /// This framework's executors already running on the agent.
    public var executorIDs: [ExecutorID]
    public var allocationInfo: AllocationInfo?

    public init(
        id: OfferID, frameworkID: FrameworkID, agentID: AgentID, hostname: String,
        url: MesosURL? = nil,
        resources: [Resource] = [], attributes: [Attribute] = [], executorIDs: [ExecutorID] = [],
        allocationInfo: AllocationInfo? = nil
    ) {
        self.id = id
        self.frameworkID = frameworkID
        self.agentID = agentID
        self.hostname = hostname
        self.url = url
        self.resources = resources
        self.attributes = attributes
        self.executorIDs = executorIDs
        self.allocationInfo = allocationInfo
    }

    enum CodingKeys: String, CodingKey {
        case id, hostname, url, resources, attributes
        case frameworkID = "framework_id"
        case agentID = "agent_id"
        case executorIDs = "executor_ids"
        case allocationInfo = "allocation_info"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(OfferID.self, forKey: .id)
        frameworkID = try container.decode(FrameworkID.self, forKey: .frameworkID)
        agentID = try container.decode(AgentID.self, forKey: .agentID)
        hostname = try container.decode(String.self, forKey: .hostname)
        url = try container.decodeIfPresent(MesosURL.self, forKey: .url)
        resources = try container.decodeRepeated(Resource.self, forKey: .resources)
        attributes = try container.decodeRepeated(Attribute.self, forKey: .attributes)
        executorIDs = try container.decodeRepeated(ExecutorID.self, forKey: .executorIDs)
        allocationInfo = try container.decodeIfPresent(AllocationInfo.self, forKey: .allocationInfo)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(frameworkID, forKey: .frameworkID)
        try container.encode(agentID, forKey: .agentID)
        try container.encode(hostname, forKey: .hostname)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeRepeated(resources, forKey: .resources)
        try container.encodeRepeated(attributes, forKey: .attributes)
        try container.encodeRepeated(executorIDs, forKey: .executorIDs)
        try container.encodeIfPresent(allocationInfo, forKey: .allocationInfo)
    }
}

/// `URL` in mesos.proto (named so as not to clash with Foundation's): where an agent serves, e.g.
/// `{"scheme": "http", "address": {...}, "path": "/slave(1)"}`.
public struct MesosURL: Codable, Sendable, Hashable {
    public var scheme: String
    public var address: Address
    public var path: String?
    public var fragment: String?

    public init(scheme: String, address: Address, path: String? = nil, fragment: String? = nil) {
        self.scheme = scheme
        self.address = address
        self.path = path
        self.fragment = fragment
    }
}

/// `Address`: a network address; `port` is required, `hostname` and/or `ip` (dotted string) name the host.
public struct Address: Codable, Sendable, Hashable {
    public var hostname: String?
    public var ip: String?
    public var port: Int32

    public init(hostname: String? = nil, ip: String? = nil, port: Int32) {
        self.hostname = hostname
        self.ip = ip
        self.port = port
    }

    enum CodingKeys: String, CodingKey { case hostname, ip, port }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
        ip = try container.decodeIfPresent(String.self, forKey: .ip)
        port = try container.decodeNumber(Int32.self, forKey: .port)
    }
}

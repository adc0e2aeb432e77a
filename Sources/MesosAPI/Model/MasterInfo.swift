/// `MasterInfo`: who a Mesos master is and where it listens. Found in SUBSCRIBED and, as JSON, in the
/// master's ZooKeeper node (`json.info_…`).
public struct MasterInfo: Codable, Sendable, Hashable {
    public var id: String
    /// IPv4 address in network byte order read as a little-endian integer: 127.0.0.1 is 16777343.
    public var ip: UInt32
    public var port: UInt32
    /// libprocess PID, e.g. `master@127.0.0.1:5050`.
    public var pid: String?
    public var hostname: String?
    public var version: String?
    public var address: Address?
    public var capabilities: [Capability]

    public init(
        id: String, ip: UInt32, port: UInt32 = 5050, pid: String? = nil, hostname: String? = nil,
        version: String? = nil, address: Address? = nil, capabilities: [Capability] = []
    ) {
        self.id = id
        self.ip = ip
        self.port = port
        self.pid = pid
        self.hostname = hostname
        self.version = version
        self.address = address
        self.capabilities = capabilities
    }

    /// A MasterInfo for a master serving on `ipv4:port`, filled in the way a real master fills it
    /// (`ip` integer, `pid`, `address`). Returns `nil` if `ipv4` is not a dotted IPv4 address.
    public init?(
        id: String, ipv4: String, port: Int, hostname: String? = nil, version: String? = nil
    ) {
        guard let ip = Self.integerIP(fromDotted: ipv4), let port32 = Int32(exactly: port),
            port32 > 0
        else {
            return nil
        }
        self.init(
            id: id, ip: ip, port: UInt32(port32), pid: "master@\(ipv4):\(port)",
            hostname: hostname ?? ipv4,
            version: version, address: Address(hostname: hostname ?? ipv4, ip: ipv4, port: port32))
    }

    /// `ip` as a dotted IPv4 string.
    public var dottedIP: String { Self.dotted(fromIntegerIP: ip) }

    /// Where to reach this master's HTTP API: `address.ip` (else `address.hostname`, else the integer `ip`)
    /// and `address.port` (else `port`).
    public func endpoint(scheme: MesosEndpoint.Scheme = .http) -> MesosEndpoint {
        let host = address?.ip ?? address?.hostname ?? (ip != 0 ? dottedIP : hostname ?? dottedIP)
        let port = address.map { Int($0.port) } ?? Int(port)
        return MesosEndpoint(scheme: scheme, host: host, port: port)
    }

    /// Converts `127.0.0.1` to 16777343 (first octet in the lowest byte).
    public static func integerIP(fromDotted text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for (index, part) in parts.enumerated() {
            guard part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part) else {
                return nil
            }
            result |= UInt32(octet) << (8 * UInt32(index))
        }
        return result
    }

    /// Converts 16777343 to `127.0.0.1`.
    public static func dotted(fromIntegerIP ip: UInt32) -> String {
        (0..<4).map { String((ip >> (8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
    }

    /// `MasterInfo.Capability`.
    public struct Capability: Codable, Sendable, Hashable {
        public var type: Kind

        public init(_ type: Kind) { self.type = type }

        /// `MasterInfo.Capability.Type`.
        public enum Kind: MesosEnum {
            case unknown, agentUpdate, agentDraining, quotaV2
            case unrecognized(String)

            public static let knownCases: [Kind] = [
                .unknown, .agentUpdate, .agentDraining, .quotaV2,
            ]

            public var name: String {
                switch self {
                case .unknown: "UNKNOWN"
                case .agentUpdate: "AGENT_UPDATE"
                case .agentDraining: "AGENT_DRAINING"
                case .quotaV2: "QUOTA_V2"
                case .unrecognized(let name): name
                }
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, ip, port, pid, hostname, version, address, capabilities
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        ip = try container.decodeNumber(UInt32.self, forKey: .ip)
        port = try container.decodeNumberIfPresent(UInt32.self, forKey: .port) ?? 5050
        pid = try container.decodeIfPresent(String.self, forKey: .pid)
        hostname = try container.decodeIfPresent(String.self, forKey: .hostname)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        address = try container.decodeIfPresent(Address.self, forKey: .address)
        capabilities = try container.decodeRepeated(Capability.self, forKey: .capabilities)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(ip, forKey: .ip)
        try container.encode(port, forKey: .port)
        try container.encodeIfPresent(pid, forKey: .pid)
        try container.encodeIfPresent(hostname, forKey: .hostname)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(address, forKey: .address)
        try container.encodeRepeated(capabilities, forKey: .capabilities)
    }
}

/// `AgentInfo`: who an agent is; executors get it in SUBSCRIBED. `hostname` is required.
public struct AgentInfo: Codable, Sendable, Hashable {
    public var hostname: String
    /// Mesos default 5051.
    public var port: Int32?
    public var resources: [Resource]
    public var attributes: [Attribute]
    public var id: AgentID?

    public init(
        hostname: String, port: Int32? = nil, resources: [Resource] = [],
        attributes: [Attribute] = [],
        id: AgentID? = nil
    ) {
        self.hostname = hostname
        self.port = port
        self.resources = resources
        self.attributes = attributes
        self.id = id
    }

    enum CodingKeys: String, CodingKey { case hostname, port, resources, attributes, id }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try container.decode(String.self, forKey: .hostname)
        port = try container.decodeNumberIfPresent(Int32.self, forKey: .port)
        resources = try container.decodeRepeated(Resource.self, forKey: .resources)
        attributes = try container.decodeRepeated(Attribute.self, forKey: .attributes)
        id = try container.decodeIfPresent(AgentID.self, forKey: .id)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hostname, forKey: .hostname)
        try container.encodeIfPresent(port, forKey: .port)
        try container.encodeRepeated(resources, forKey: .resources)
        try container.encodeRepeated(attributes, forKey: .attributes)
        try container.encodeIfPresent(id, forKey: .id)
    }
}

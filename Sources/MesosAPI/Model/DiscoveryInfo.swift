/// `DiscoveryInfo`: how service discovery tools (mesos-dns) should publish a task.
public struct DiscoveryInfo: Codable, Sendable, Hashable {
    /// `DiscoveryInfo.Visibility` (also used by `Port.visibility`).
    public enum Visibility: MesosEnum {
        case framework, cluster, external
        case unrecognized(String)

        public static let knownCases: [Visibility] = [.framework, .cluster, .external]

        public var name: String {
            switch self {
            case .framework: "FRAMEWORK"
            case .cluster: "CLUSTER"
            case .external: "EXTERNAL"
            case .unrecognized(let name): name
            }
        }
    }

    public var visibility: Visibility
    public var name: String?
    public var environment: String?
    public var location: String?
    public var version: String?
    public var ports: Ports?
    public var labels: Labels?

    public init(
        visibility: Visibility, name: String? = nil, environment: String? = nil,
        location: String? = nil,
        version: String? = nil, ports: Ports? = nil, labels: Labels? = nil
    ) {
        self.visibility = visibility
        self.name = name
        self.environment = environment
        self.location = location
        self.version = version
        self.ports = ports
        self.labels = labels
    }

    /// `Ports`: `{"ports": [...]}`. Nested here because Foundation has a `Port` class.
    public struct Ports: Codable, Sendable, Hashable {
        public var ports: [Port]

        public init(_ ports: [Port] = []) { self.ports = ports }

        enum CodingKeys: String, CodingKey { case ports }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ports = try container.decodeRepeated(Port.self, forKey: .ports)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeRepeated(ports, forKey: .ports)
        }
    }

    /// `Port`: a named port of the task (`number` is required).
    public struct Port: Codable, Sendable, Hashable {
        public var number: UInt32
        public var name: String?
        public var `protocol`: String?
        public var visibility: Visibility?
        public var labels: Labels?

        public init(
            number: UInt32, name: String? = nil, protocol: String? = nil,
            visibility: Visibility? = nil,
            labels: Labels? = nil
        ) {
            self.number = number
            self.name = name
            self.`protocol` = `protocol`
            self.visibility = visibility
            self.labels = labels
        }

        enum CodingKeys: String, CodingKey {
            case number, name, visibility, labels
            case `protocol`
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            number = try container.decodeNumber(UInt32.self, forKey: .number)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            `protocol` = try container.decodeIfPresent(String.self, forKey: .protocol)
            visibility = try container.decodeIfPresent(Visibility.self, forKey: .visibility)
            labels = try container.decodeIfPresent(Labels.self, forKey: .labels)
        }
    }

    enum CodingKeys: String, CodingKey {
        case visibility, name, environment, location, version, ports, labels
    }
}

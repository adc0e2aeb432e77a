// Mesos IDs are all `{"value": "<string>"}` with a required `value`. Treat them as opaque.

/// Identifies a framework; assigned by the master in SUBSCRIBED (`<masterId>-0000`).
public struct FrameworkID: MesosIdentifier {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Identifies an agent (`<masterId>-S<n>`).
public struct AgentID: MesosIdentifier {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Identifies an offer (`<masterId>-O<n>`); usable once.
public struct OfferID: MesosIdentifier {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Identifies a task, chosen by the framework; unique among the framework's live tasks.
public struct TaskID: MesosIdentifier {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Identifies an executor, chosen by the framework; unique per agent within the framework.
public struct ExecutorID: MesosIdentifier {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Identifies a container (agent-assigned); nested containers name their parent.
public struct ContainerID: Codable, Sendable, Hashable, CustomStringConvertible {
    public var value: String
    // An array so that the type may contain itself; holds zero or one element.
    private var parentStorage: [ContainerID]

    public var parent: ContainerID? {
        get { parentStorage.first }
        set { parentStorage = newValue.map { [$0] } ?? [] }
    }

    public init(_ value: String, parent: ContainerID? = nil) {
        self.value = value
        self.parentStorage = parent.map { [$0] } ?? []
    }

    enum CodingKeys: String, CodingKey {
        case value
        case parent
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(String.self, forKey: .value),
            parent: try container.decodeIfPresent(ContainerID.self, forKey: .parent))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(parent, forKey: .parent)
    }

    public var description: String { parent.map { "\($0).\(value)" } ?? value }
}

/// What all the `{"value": …}` ID messages share.
public protocol MesosIdentifier: Codable, Sendable, Hashable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    var value: String { get set }
    init(_ value: String)
}

extension MesosIdentifier {
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

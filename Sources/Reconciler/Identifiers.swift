/// An ID that is an opaque string to the reconciler: built from a string or a literal, printed as itself,
/// encoded as a plain JSON string.
public protocol StringIdentifier: RawRepresentable, Hashable, Sendable, Codable,
    ExpressibleByStringLiteral,
    CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension StringIdentifier {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
}

/// The Mesos framework ID this scheduler registered as.
public struct FrameworkID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A Mesos agent ID.
public struct AgentID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A Mesos offer ID.
public struct OfferID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A Mesos task ID. Ours have the five-field form `MemberIdentity` renders and parses.
public struct TaskID: StringIdentifier, Comparable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static func < (lhs: TaskID, rhs: TaskID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An etcd member ID (`uint64` in the v3 API; JSON shows it in decimal, etcdctl tables in hex).
public typealias EtcdMemberID = UInt64

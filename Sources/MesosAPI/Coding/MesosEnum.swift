/// A protobuf enum as Mesos writes it in JSON: the value's name (`"TASK_RUNNING"`).
///
/// New values appear across Mesos versions, so every conforming enum has a catch-all case
/// `unrecognized(String)` that keeps the name it did not know: decoding never fails on an unknown name, and
/// encoding writes the same name back. (Named `unrecognized` because many Mesos enums have a real `UNKNOWN`
/// value, which is the case `.unknown`.)
public protocol MesosEnum: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Every value this library knows, in proto order.
    static var knownCases: [Self] { get }
    /// A value whose name this library does not know.
    static func unrecognized(_ name: String) -> Self
    /// The proto name, e.g. `"TASK_RUNNING"`.
    var name: String { get }
}

extension MesosEnum {
    /// The value called `name`, or `.unrecognized(name)`.
    public init(name: String) {
        self = Self.knownCases.first { $0.name == name } ?? .unrecognized(name)
    }

    /// True unless this is an `unrecognized` value.
    public var isKnown: Bool { Self.knownCases.contains(self) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(name: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public var description: String { name }
}

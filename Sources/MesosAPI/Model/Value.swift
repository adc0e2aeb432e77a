/// `Value`: the typed payloads of resources and attributes (a namespace, as in mesos.proto).
public enum Value {
    /// `Value.Type`.
    public enum Kind: MesosEnum {
        case scalar, ranges, set, text
        case unrecognized(String)

        public static let knownCases: [Kind] = [.scalar, .ranges, .set, .text]

        public var name: String {
            switch self {
            case .scalar: "SCALAR"
            case .ranges: "RANGES"
            case .set: "SET"
            case .text: "TEXT"
            case .unrecognized(let name): name
            }
        }
    }

    /// `Value.Scalar`: e.g. cpus 0.5 or mem 512.0 (MB).
    public struct Scalar: Codable, Sendable, Hashable {
        public var value: Double

        public init(value: Double) { self.value = value }

        enum CodingKeys: String, CodingKey { case value }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            value = try container.decodeNumber(Double.self, forKey: .value)
        }
    }

    /// `Value.Range`: `begin...end`, both inclusive.
    public struct Range: Codable, Sendable, Hashable {
        public var begin: UInt64
        public var end: UInt64

        public init(begin: UInt64, end: UInt64) {
            self.begin = begin
            self.end = end
        }

        public init(_ range: ClosedRange<UInt64>) {
            self.init(begin: range.lowerBound, end: range.upperBound)
        }

        /// `begin...end`, or `nil` if `begin > end`.
        public var closedRange: ClosedRange<UInt64>? { begin <= end ? begin...end : nil }

        enum CodingKeys: String, CodingKey { case begin, end }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            begin = try container.decodeNumber(UInt64.self, forKey: .begin)
            end = try container.decodeNumber(UInt64.self, forKey: .end)
        }
    }

    /// `Value.Ranges`: `{"range": [...]}`.
    public struct Ranges: Codable, Sendable, Hashable {
        public var range: [Range]

        public init(_ range: [Range] = []) { self.range = range }

        public init(_ ranges: [ClosedRange<UInt64>]) { self.range = ranges.map(Range.init) }

        enum CodingKeys: String, CodingKey { case range }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            range = try container.decodeRepeated(Range.self, forKey: .range)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeRepeated(range, forKey: .range)
        }
    }

    /// `Value.Set`: `{"item": [...]}`.
    public struct Set: Codable, Sendable, Hashable {
        public var item: [String]

        public init(_ item: [String] = []) { self.item = item }

        enum CodingKeys: String, CodingKey { case item }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            item = try container.decodeRepeated(String.self, forKey: .item)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeRepeated(item, forKey: .item)
        }
    }

    /// `Value.Text`.
    public struct Text: Codable, Sendable, Hashable {
        public var value: String

        public init(value: String) { self.value = value }
    }
}

/// `Attribute`: a fact about an agent (`rack: r1`), offered with its resources.
public struct Attribute: Codable, Sendable, Hashable {
    public var name: String
    public var type: Value.Kind
    public var scalar: Value.Scalar?
    public var ranges: Value.Ranges?
    public var set: Value.Set?
    public var text: Value.Text?

    public init(
        name: String, type: Value.Kind, scalar: Value.Scalar? = nil, ranges: Value.Ranges? = nil,
        set: Value.Set? = nil, text: Value.Text? = nil
    ) {
        self.name = name
        self.type = type
        self.scalar = scalar
        self.ranges = ranges
        self.set = set
        self.text = text
    }

    /// A TEXT attribute.
    public static func text(_ name: String, _ value: String) -> Attribute {
        Attribute(name: name, type: .text, text: Value.Text(value: value))
    }
}

import Foundation
import MesosAPI

/// Any JSON document, for comparing what we encode with what Mesos writes regardless of key order or
/// number spelling (`15.0` vs `15`).
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Empty arrays removed: for protobuf an empty repeated field and an absent one are the same.
    var withoutEmptyArrays: JSONValue {
        switch self {
        case .array(let items): return .array(items.map(\.withoutEmptyArrays))
        case .object(let members):
            return .object(
                members.compactMapValues { value in
                    if case .array(let items) = value, items.isEmpty { return nil }
                    return value.withoutEmptyArrays
                })
        default: return self
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var keys: Set<String> {
        if case .object(let members) = self { return Set(members.keys) }
        return []
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let items): "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            "{"
                + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(
                    separator: ",") + "}"
        }
    }
}

/// Decodes `text` as `T` with the Mesos decoder.
func decodeMesos<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try MesosJSON.decode(type, from: Data(text.utf8))
}

/// `value` encoded with the Mesos encoder, parsed back as a JSON tree.
func encodedTree(_ value: some Encodable) throws -> JSONValue {
    try JSONValue(parsing: MesosJSON.encode(value))
}

/// `value` encoded with the Mesos encoder, as text.
func encodedText(_ value: some Encodable) throws -> String {
    String(decoding: try MesosJSON.encode(value), as: UTF8.self)
}

import Foundation

/// A number type that Mesos' JSON parser also accepts as a numeric string (`"5000000000"`, `"Infinity"`).
protocol MesosNumber: Decodable {
    init?(numericString: String)
}

extension Int32: MesosNumber {
    init?(numericString: String) { self.init(numericString) }
}
extension UInt32: MesosNumber {
    init?(numericString: String) { self.init(numericString) }
}
extension Int64: MesosNumber {
    init?(numericString: String) { self.init(numericString) }
}
extension UInt64: MesosNumber {
    init?(numericString: String) { self.init(numericString) }
}
extension Double: MesosNumber {
    init?(numericString: String) { self.init(numericString) }
}

extension KeyedDecodingContainer {
    /// A required number given as a JSON number or a numeric string. 64-bit integers decode exactly.
    func decodeNumber<T: MesosNumber>(_ type: T.Type, forKey key: Key) throws -> T {
        do {
            return try decode(T.self, forKey: key)
        } catch DecodingError.typeMismatch(let mismatchType, let context) {
            guard let text = try? decode(String.self, forKey: key) else {
                throw DecodingError.typeMismatch(mismatchType, context)
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = T(numericString: trimmed) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: self,
                    debugDescription: "expected a \(T.self) or a numeric string, found \"\(text)\"")
            }
            return value
        }
    }

    /// An optional number; absent and `null` are `nil`.
    func decodeNumberIfPresent<T: MesosNumber>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeNumber(type, forKey: key)
    }

    /// A repeated field: Mesos leaves out empty ones, so absent and `null` are `[]`.
    func decodeRepeated<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> [T] {
        try decodeIfPresent([T].self, forKey: key) ?? []
    }
}

extension KeyedEncodingContainer {
    /// A repeated field, left out when empty as Mesos does.
    mutating func encodeRepeated<T: Encodable>(_ values: [T], forKey key: Key) throws {
        if !values.isEmpty { try encode(values, forKey: key) }
    }
}

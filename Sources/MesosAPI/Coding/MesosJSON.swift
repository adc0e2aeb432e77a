import Foundation
import NIOCore

/// The one place that configures JSON for Mesos, so every client and server encodes the same way.
///
/// Mesos converts protobuf to JSON with its own rules (not Google's proto3 mapping): snake_case proto field
/// names (each type spells them in its `CodingKeys`), enum values as their names, `bytes` as standard base64,
/// 64-bit integers as plain numbers, unknown keys ignored. Types decode leniently where Mesos' own parser is
/// lenient: numbers may also arrive as numeric strings, and doubles as `"Infinity"`/`"-Infinity"`.
public enum MesosJSON {
    /// A new encoder: compact output, proto key names as declared, base64 for `Data`, no escaped slashes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dataEncodingStrategy = .base64
        encoder.keyEncodingStrategy = .useDefaultKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A new decoder matching `encoder()`.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.keyDecodingStrategy = .useDefaultKeys
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// `value` as Mesos JSON.
    public static func encode(_ value: some Encodable) throws -> Data {
        try encoder().encode(value)
    }

    /// Decodes a `T` from Mesos JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }

    /// Decodes a `T` from the readable bytes of `buffer` (e.g. one RecordIO record).
    public static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try decoder().decode(type, from: Data(buffer.readableBytesView))
    }
}

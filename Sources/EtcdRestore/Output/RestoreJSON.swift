import Backup
import Foundation

/// The CLI's JSON: snake_case keys, sorted, times in ISO 8601 UTC like the manifests (so a manifest embedded in a
/// report reads exactly as its sidecar does).
enum RestoreJSON {
    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(BackupTimestamp.iso8601(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = BackupTimestamp.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text)\" is not an ISO 8601 UTC time")
            }
            return date
        }
        return decoder
    }

    static func string(_ value: some Encodable, pretty: Bool) -> String {
        guard let data = try? encoder(pretty: pretty).encode(value) else {
            return #"{"error":"the output could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}

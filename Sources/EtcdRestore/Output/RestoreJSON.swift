import Backup
import Foundation

/// The CLI's JSON: snake_case keys, sorted, times in ISO 8601 UTC like the manifests (so a manifest embedded in a
/// report reads exactly as its sidecar does).
enum RestoreJSON {
    static func encoder(pretty: Bool) -> JSONEncoder {
        BackupManifest.jsonEncoder(pretty: pretty)
    }

    static func decoder() -> JSONDecoder {
        BackupManifest.jsonDecoder()
    }

    static func string(_ value: some Encodable, pretty: Bool) -> String {
        guard let data = try? encoder(pretty: pretty).encode(value) else {
            return #"{"error":"the output could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}

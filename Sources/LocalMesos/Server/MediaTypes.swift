import Foundation

/// The media-type checks of Mesos' HTTP endpoints (libprocess `Request::acceptsMediaType`).
enum MediaTypes {
    static let json = "application/json"
    static let protobuf = "application/x-protobuf"

    /// True if an `Accept` header allows `mediaType`: absent, `*/*`, `type/*` or the type itself, with a
    /// quality above zero.
    static func accepts(_ acceptHeader: String?, _ mediaType: String) -> Bool {
        guard let acceptHeader, !acceptHeader.trimmingCharacters(in: .whitespaces).isEmpty else {
            return true
        }
        let wantedType = mediaType.split(separator: "/").first.map(String.init) ?? mediaType
        for entry in acceptHeader.split(separator: ",") {
            let parts = entry.split(separator: ";").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard let range = parts.first else { continue }
            let quality =
                parts.dropFirst().compactMap { parameter -> Double? in
                    guard parameter.hasPrefix("q=") else { return nil }
                    return Double(parameter.dropFirst(2))
                }.first ?? 1
            guard quality > 0 else { continue }
            if range == "*/*" || range == mediaType || range == "\(wantedType)/*" { return true }
        }
        return false
    }
}

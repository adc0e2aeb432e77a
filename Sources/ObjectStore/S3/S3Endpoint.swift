import Foundation

/// The address of an S3-compatible service, `http(s)://host[:port]`, addressed path-style.
public struct S3Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host[:port]`, no trailing slash.
    public let base: String
    /// The `Host` header the requests carry and sign: `host[:port]` as written.
    public let hostHeader: String

    public init(parsing text: String) throws(ObjectStoreError) {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.path.isEmpty, url.query == nil, url.user == nil
        else {
            throw .badConfiguration(
                "\"\(text)\" is not an object store endpoint (http://host:port or https://host)")
        }
        base = trimmed
        hostHeader = url.port.map { "\(host):\($0)" } ?? host
    }

    public var description: String { base }
}

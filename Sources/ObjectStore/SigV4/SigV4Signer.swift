import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), as S3 and every S3-compatible store check it: an
/// `Authorization` header over a canonical request, or the same signature carried in a presigned URL's query.
///
/// The canonical path is used as given (S3 neither normalises nor double-encodes it): callers pass a path whose
/// segments are already encoded with `SigV4Signer.encode(_:keepingSlashes: true)`.
public struct SigV4Signer: Sendable {
    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash of a request whose body is not signed (presigned URLs).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of nothing, the payload hash of a request without a body.
    public static let emptyPayloadHash =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// What is signed.
    public struct Request: Sendable {
        public var method: String
        /// The encoded path, `/bucket/some%20key`.
        public var path: String
        /// Query parameters, not encoded.
        public var query: [(String, String)]
        /// Headers sent with the request; all of them are signed. `host` must be among them.
        public var headers: [(String, String)]
        /// Hex SHA-256 of the body, `unsignedPayload`, or `emptyPayloadHash`.
        public var payloadHash: String

        public init(
            method: String, path: String, query: [(String, String)] = [],
            headers: [(String, String)], payloadHash: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The headers to add to `request` (`x-amz-date`, the session token if any, `authorization`) to sign it at
    /// `date`.
    public func authorizationHeaders(for request: Request, at date: Date) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        var headers = request.headers
        var added = [("x-amz-date", stamp.long)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        headers += added
        let canonical = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method, request.path, Self.canonicalQuery(request.query), canonical.block,
            canonical.names, request.payloadHash,
        ].joined(separator: "\n")
        let scope = scope(day: stamp.day)
        let signature = sign(canonicalRequest, at: stamp, scope: scope)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.names), Signature=\(signature)"
        return added + [("authorization", authorization)]
    }

    /// The query string of a presigned URL for `method` on `path` at `host`, valid `expires` from `date`:
    /// the request's own `query` followed by the `X-Amz-*` parameters, encoded, signature last.
    public func presignedQuery(
        method: String, host: String, path: String, query: [(String, String)] = [],
        expires: Duration, at date: Date
    ) -> String {
        let stamp = Self.timestamp(date)
        let scope = scope(day: stamp.day)
        var parameters = query
        parameters += [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp.long),
            ("X-Amz-Expires", "\(max(1, Int(expires.components.seconds)))"),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken {
            parameters.append(("X-Amz-Security-Token", token))
        }
        let canonicalQuery = Self.canonicalQuery(parameters)
        let canonicalRequest = [
            method, path, canonicalQuery, "host:\(host)\n", "host", Self.unsignedPayload,
        ].joined(separator: "\n")
        let signature = sign(canonicalRequest, at: stamp, scope: scope)
        return canonicalQuery + "&X-Amz-Signature=" + signature
    }

    // MARK: The steps of the algorithm

    private func scope(day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    private func sign(
        _ canonicalRequest: String, at stamp: (long: String, day: String), scope: String
    ) -> String {
        let stringToSign = [
            Self.algorithm, stamp.long, scope, Self.hexSHA256(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(
                data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return Self.hex(Data(signature))
    }

    /// Header names lowercased and sorted, values trimmed with inner runs of spaces collapsed, repeated
    /// names joined with commas: the canonical block (each line ending in a newline) and the signed names.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, names: String) {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let collapsed = value.split(separator: " ", omittingEmptySubsequences: true)
                .joined(separator: " ").trimmingCharacters(in: .whitespaces)
            byName[name.lowercased(), default: []].append(collapsed)
        }
        let names = byName.keys.sorted()
        let block = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// Parameters encoded and sorted by name, then value: `a=1&b=x%2Fy`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (encode($0.0, keepingSlashes: false), encode($0.1, keepingSlashes: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding as SigV4 wants it: every byte but `A-Z a-z 0-9 - . _ ~` (and `/` when asked)
    /// as `%XX` in upper-case hex.
    public static func encode(_ text: String, keepingSlashes: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlashes:
                encoded.append("/")
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    static func timestamp(_ date: Date) -> (long: String, day: String) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let long = formatter.string(from: date)
        return (long, String(long.prefix(8)))
    }

    public static func hexSHA256(_ data: Data) -> String { hex(Data(SHA256.hash(data: data))) }

    static func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}

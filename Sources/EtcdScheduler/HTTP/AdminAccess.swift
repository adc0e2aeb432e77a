import Crypto
import Foundation
import Hummingbird

/// Who may use the admin API. The status routes (`/`, `/stats`, `/members`, `/membership`, `/healthz`,
/// `/metrics`) answer anyone's GET, for Marathon health checks and Prometheus. Everything else (every
/// mutation and every read of backup data) needs `Authorization: Bearer <admin token>`, the scheme in any
/// case; a route added later is guarded unless it is listed as open.
///
/// Against a web page that makes a visitor's browser send requests: a request whose `Origin` is not the admin
/// API's own is refused (403), and a mutation must send `Content-Type: application/json` or no body at all
/// (415), which a cross-site form cannot. The only other credential is a signed download URL for one backup
/// (`BackupDownloadGrants`), which the scheduler hands an executor that restores it.
struct AdminAccess: Sendable {
    /// Routes anyone may GET.
    static let openPaths: Set<String> = [
        "/", "/stats", "/members", "/membership", "/healthz", "/metrics",
    ]

    /// The token's digest: a presented token is hashed and the digests compared in constant time, so neither
    /// the token's content nor its length shows in the time a refusal takes.
    private let tokenDigest: SHA256.Digest
    /// `http://host:port` of the admin API, asked when a request comes (the port is known once it listens).
    private let ownOrigin: @Sendable () -> String
    let downloads: BackupDownloadGrants

    init(token: String, ownOrigin: @escaping @Sendable () -> String) {
        tokenDigest = SHA256.hash(data: Data(token.utf8))
        self.ownOrigin = ownOrigin
        downloads = BackupDownloadGrants(adminToken: token)
    }

    /// Why a request is refused.
    enum Refusal: Equatable, Sendable {
        case missingToken
        case wrongToken
        /// `Authorization` with another scheme than Bearer.
        case notBearer
        case foreignOrigin(origin: String, own: String)
        /// A mutation with a body that is not declared JSON; the declared type, if any.
        case unsupportedMediaType(String?)
    }

    /// The refusal for a request, or nil when it may go on.
    func refusal(for request: Request, now: Date = Date()) -> Refusal? {
        let reads = request.method == .get || request.method == .head
        if reads && Self.openPaths.contains(request.uri.path) { return nil }
        if let refusal = tokenRefusal(for: request, now: now) { return refusal }
        if let origin = request.headers[.origin] {
            let own = ownOrigin()
            if Self.normalized(origin) != Self.normalized(own) {
                return .foreignOrigin(origin: origin, own: own)
            }
        }
        if !reads { return Self.mediaTypeRefusal(request.headers) }
        return nil
    }

    private func tokenRefusal(for request: Request, now: Date) -> Refusal? {
        guard let authorization = request.headers[.authorization] else {
            if request.method == .get, let id = Self.downloadID(request.uri.path),
                downloads.permits(
                    backupID: id, expires: request.uri.queryParameters["expires"].map(String.init),
                    signature: request.uri.queryParameters["signature"].map(String.init), now: now)
            {
                return nil
            }
            return .missingToken
        }
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        let scheme = trimmed.prefix { $0 != " " }
        guard scheme.lowercased() == "bearer" else { return .notBearer }
        let token = trimmed.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        let presented = SHA256.hash(data: Data(token.utf8))
        // Digest equality in swift-crypto is constant-time.
        return presented == tokenDigest ? nil : .wrongToken
    }

    /// A mutation's body must be declared JSON; a request without `Content-Type` must have no body.
    static func mediaTypeRefusal(_ headers: HTTPFields) -> Refusal? {
        guard let contentType = headers[.contentType] else {
            let length = headers[.contentLength]?.trimmingCharacters(in: .whitespaces)
            let hasBody =
                headers[.transferEncoding] != nil || (length != nil && length != "0")
            return hasBody ? .unsupportedMediaType(nil) : nil
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        return mediaType == "application/json" ? nil : .unsupportedMediaType(contentType)
    }

    /// The backup ID of an archive download path, `/backups/<id>`.
    static func downloadID(_ path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 3, segments[0].isEmpty, segments[1] == "backups",
            !segments[2].isEmpty
        else { return nil }
        return String(segments[2])
    }

    private static func normalized(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

extension AdminAccess.Refusal {
    /// The JSON answer: 401 with `WWW-Authenticate: Bearer`, 403 or 415.
    var response: Response {
        let challenge = #"Bearer realm="etcd-mesos""#
        switch self {
        case .missingToken:
            return JSONResponse.error(
                "this endpoint needs the admin token: send Authorization: Bearer <token>, the content of the "
                    + "scheduler's -admin-token-file (by default <work-dir>/admin-token)",
                status: .unauthorized, headers: [.wwwAuthenticate: challenge])
        case .wrongToken:
            return JSONResponse.error(
                "the admin token is wrong: send Authorization: Bearer <token> with the content of the "
                    + "scheduler's -admin-token-file (by default <work-dir>/admin-token)",
                status: .unauthorized,
                headers: [.wwwAuthenticate: challenge + #", error="invalid_token""#])
        case .notBearer:
            return JSONResponse.error(
                "the admin API takes a bearer token: send Authorization: Bearer <token>",
                status: .unauthorized, headers: [.wwwAuthenticate: challenge])
        case .foreignOrigin(let origin, let own):
            return JSONResponse.error(
                "a request from a page of another origin (\(origin)) is refused; the admin API's origin is \(own)",
                status: .forbidden)
        case .unsupportedMediaType(let type):
            let got = type.map { "Content-Type: \($0)" } ?? "a body without Content-Type"
            return JSONResponse.error(
                "a POST to the admin API sends Content-Type: application/json or no body; got \(got)",
                status: .unsupportedMediaType)
        }
    }
}

/// Applies `AdminAccess` to every route added after it.
struct AdminAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: AdminAccess

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let refusal = access.refusal(for: request) { return refusal.response }
        return try await next(request, context)
    }
}

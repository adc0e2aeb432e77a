import Backup
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A test double of the scheduler's admin HTTP contract only (`GET /backups`, `/backups/<id>/manifest`, `/stats`,
/// `/members`, `POST /restore` with its bearer token), on a free loopback port, for the CLI's `seed` tests. The
/// real scheduler's end-to-end seed test lives with the scheduler.
final class SchedulerStub: Sendable {
    /// How the stub answers `POST /restore` when the token is right.
    enum RestoreBehaviour: Sendable {
        /// 202 accepted; from then on `/stats` reports a healthy cluster of `members`.
        case accept(members: [[String: String]])
        /// 202 accepted, but the cluster never becomes healthy.
        case acceptAndStall
        /// 409 refused with this message.
        case refuse(String)
    }

    struct Configuration: Sendable {
        var backups: [BackupManifest]
        var adminToken: String?
        var restore: RestoreBehaviour
        var clusterSize = 1
        /// `GET /backups…` needs the token too, as the real scheduler's do.
        var guardsBackups = false
    }

    /// One `POST /restore` the stub received.
    struct RestoreCall: Sendable, Equatable {
        var authorization: String?
        var body: String
    }

    private struct State {
        var restoreCalls: [RestoreCall] = []
        var requests: [String] = []
        var authorizations: [String?] = []
        var healthy = false
    }

    let configuration: Configuration
    private let state = Mutex(State())

    init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    var restoreCalls: [RestoreCall] { state.withLock { $0.restoreCalls } }
    /// `METHOD /path` of every request, in order.
    var requests: [String] { state.withLock { $0.requests } }
    /// The `Authorization` header of every request, in order.
    var authorizations: [String?] { state.withLock { $0.authorizations } }

    /// Runs `body` with the stub's URL while it serves; stops it on every path.
    func withServer<T: Sendable>(_ body: @Sendable (_ url: String) async throws -> T) async throws
        -> T
    {
        var logger = Logger(label: "scheduler-stub")
        logger.logLevel = .critical
        let app = Application(
            router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger)
        return try await app.test(.live) { client in
            let port = try #require(client.port)
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(RequestRecorder(stub: self))
        router.get("/backups") { request, _ in
            if let refusal = self.refusal(request) { return refusal }
            return Self.json(
                Data("[".utf8)
                    + (try self.configuration.backups.map { try $0.encoded() }
                        .joined(separator: Data(",".utf8))) + Data("]".utf8))
        }
        router.get("/backups/{id}/manifest") { request, context in
            if let refusal = self.refusal(request) { return refusal }
            let id = context.parameters.get("id") ?? ""
            guard let manifest = self.configuration.backups.first(where: { $0.id == id }) else {
                return Self.json(["error": "no backup with ID \"\(id)\""], status: .notFound)
            }
            return Self.json(try manifest.encoded())
        }
        router.get("/stats") { _, _ in
            let healthy = self.state.withLock { $0.healthy }
            let size = self.configuration.clusterSize
            return Self.json(
                [
                    "running_servers": healthy ? size : 0, "healthy": healthy ? 1 : 0,
                    "cluster_size": size,
                    "phase": healthy ? "mutable" : "awaiting_operator",
                    "cluster_epoch": healthy ? 3 : 2,
                    "last_known_revision": 0, "awaiting_operator": healthy ? 0 : 1,
                    "framework_id": "stub",
                ] as [String: Any])
        }
        router.get("/members") { _, _ in
            guard case .accept(let members) = self.configuration.restore,
                self.state.withLock({ $0.healthy })
            else {
                return Self.json([] as [Any])
            }
            return Self.json(members.map { $0.merging(["state": "running"]) { $1 } })
        }
        router.post("/restore") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let authorization = request.headers[.authorization]
            self.state.withLock {
                $0.restoreCalls.append(RestoreCall(authorization: authorization, body: body))
            }
            if let token = self.configuration.adminToken, authorization != "Bearer \(token)" {
                return Self.json(
                    [
                        "error":
                            "this endpoint needs the admin token: send Authorization: Bearer <token>"
                    ],
                    status: .unauthorized)
            }
            switch self.configuration.restore {
            case .accept:
                self.state.withLock { $0.healthy = true }
                return Self.json(
                    [
                        "request": "restore", "outcome": "accepted",
                        "message": "restoring in a new epoch",
                    ],
                    status: .accepted)
            case .acceptAndStall:
                return Self.json(
                    [
                        "request": "restore", "outcome": "accepted",
                        "message": "restoring in a new epoch",
                    ],
                    status: .accepted)
            case .refuse(let message):
                return Self.json(
                    ["request": "restore", "outcome": "refused", "message": message],
                    status: .conflict)
            }
        }
        return router
    }

    fileprivate func record(_ request: Request) {
        state.withLock {
            $0.requests.append("\(request.method.rawValue) \(request.uri.path)")
            $0.authorizations.append(request.headers[.authorization])
        }
    }

    /// 401 for a backup read without the token, when the stub guards them.
    private func refusal(_ request: Request) -> Response? {
        guard configuration.guardsBackups, let token = configuration.adminToken,
            request.headers[.authorization] != "Bearer \(token)"
        else { return nil }
        return Self.json(
            ["error": "this endpoint needs the admin token: send Authorization: Bearer <token>"],
            status: .unauthorized)
    }

    private static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        json((try? JSONSerialization.data(withJSONObject: value)) ?? Data(), status: status)
    }

    private static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Records every request the stub receives.
private struct RequestRecorder: RouterMiddleware {
    let stub: SchedulerStub

    func handle(
        _ request: Request, context: BasicRequestContext,
        next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        stub.record(request)
        return try await next(request, context)
    }
}

import AsyncHTTPClient
import Backup
import Foundation
import NIOCore
import Reconciler

/// The scheduler's admin HTTP API as the restore CLI uses it: backups, stats, members and `POST /restore`.
///
/// A connection that cannot be made fails at once (no retries), so an unreachable scheduler is reported in
/// seconds, not after the request deadline.
public final class SchedulerAPI: Sendable {
    /// `http://host:port`, without a trailing slash.
    public let baseURL: String
    /// The admin token sent as `Authorization: Bearer …` on every request (backups are the token's to read).
    let token: String?
    let requestTimeout: Duration
    private let client: HTTPClient

    private init(baseURL: String, token: String?, requestTimeout: Duration) {
        self.baseURL = baseURL
        self.token = token
        self.requestTimeout = requestTimeout
        // The read timeout is the request's own deadline: `POST /restore` verifies the archive before answering.
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// `http://host:port` from what the operator typed (`host:port` gets `http://`); nil when it is no URL.
    public static func normalize(_ text: String) -> String? {
        var url = text.trimmingCharacters(in: .whitespaces)
        if !url.hasPrefix("http://") && !url.hasPrefix("https://") { url = "http://" + url }
        while url.hasSuffix("/") { url.removeLast() }
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else {
            return nil
        }
        return url
    }

    /// Runs `body` with a client for the scheduler at `baseURL`, shut down afterwards on every path.
    public static func with<T>(
        baseURL: String, token: String? = nil, requestTimeout: Duration = .seconds(30),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (SchedulerAPI) async throws -> T
    ) async throws -> T {
        let api = SchedulerAPI(baseURL: baseURL, token: token, requestTimeout: requestTimeout)
        do {
            let result = try await body(api)
            try? await api.client.shutdown()
            return result
        } catch {
            try? await api.client.shutdown()
            throw error
        }
    }

    // MARK: Calls

    /// `GET /backups`: the manifests the scheduler holds, newest first.
    public func backups() async throws(RestoreFailure) -> [BackupManifest] {
        let (status, body) = try await send("/backups")
        guard status == 200 else { throw unexpected(status, body) }
        return try decode([BackupManifest].self, body, what: "GET /backups")
    }

    /// `GET /backups/<id>/manifest`.
    public func manifest(id: String) async throws(RestoreFailure) -> BackupManifest {
        let (status, body) = try await send("/backups/\(id)/manifest")
        switch status {
        case 200: return try decode(BackupManifest.self, body, what: "GET /backups/\(id)/manifest")
        case 400, 404: throw .backupUnknown(id: id, message: Self.message(body))
        default: throw unexpected(status, body)
        }
    }

    public func stats() async throws(RestoreFailure) -> SchedulerStats {
        let (status, body) = try await send("/stats")
        guard status == 200 else { throw unexpected(status, body) }
        return try decode(SchedulerStats.self, body, what: "GET /stats")
    }

    public func members() async throws(RestoreFailure) -> [SchedulerMember] {
        let (status, body) = try await send("/members")
        guard status == 200 else { throw unexpected(status, body) }
        return try decode([SchedulerMember].self, body, what: "GET /members")
    }

    /// `GET /restore/plan`: what survives, the newest backup, what the scheduler will do.
    public func recoveryPlan() async throws(RestoreFailure) -> RecoveryPlan {
        let (status, body) = try await send("/restore/plan")
        switch status {
        case 200: return try decode(RecoveryPlan.self, body, what: "GET /restore/plan")
        case 401:
            throw .tokenRejected(url: baseURL, tokenSent: token != nil, message: Self.message(body))
        default: throw unexpected(status, body)
        }
    }

    /// `POST /restore {"backup": id}`: the answer when accepted (202); the refusal as a `RestoreFailure`.
    public func restore(id: String) async throws(RestoreFailure) -> RestoreAnswer {
        let payload = Data(RestoreJSON.string(["backup": id], pretty: false).utf8)
        // The scheduler verifies the whole archive before it answers: about a second per 200 MB of database.
        let (status, body) = try await send(
            "/restore", post: payload, timeout: .seconds(600))
        switch status {
        case 200, 202: return try decode(RestoreAnswer.self, body, what: "POST /restore")
        case 409:
            let answer = try? RestoreJSON.decoder().decode(RestoreAnswer.self, from: body)
            throw .restoreRefused(message: answer?.message ?? Self.message(body))
        case 404: throw .backupUnknown(id: id, message: Self.message(body))
        case 422: throw .backupRejected(id: id, message: Self.message(body))
        case 401:
            throw .tokenRejected(url: baseURL, tokenSent: token != nil, message: Self.message(body))
        default: throw unexpected(status, body)
        }
    }

    // MARK: HTTP

    private func send(
        _ path: String, post body: Data? = nil, timeout: Duration? = nil
    ) async throws(RestoreFailure) -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            let response = try await client.execute(
                request, timeout: .milliseconds(Int64((timeout ?? requestTimeout).seconds * 1000)))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), Data(bytes.readableBytesView))
        } catch is CancellationError {
            throw .interrupted
        } catch {
            if Task.isCancelled { throw .interrupted }
            throw .schedulerUnreachable(url: baseURL, reason: Self.describe(error))
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: Data, what: String)
        throws(RestoreFailure) -> T
    {
        do { return try RestoreJSON.decoder().decode(type, from: body) } catch {
            throw .schedulerAnswer(
                url: baseURL, status: 200,
                message: "\(what) answered JSON this CLI cannot read: \(error)")
        }
    }

    private func unexpected(_ status: Int, _ body: Data) -> RestoreFailure {
        status == 401
            ? .tokenRejected(url: baseURL, tokenSent: token != nil, message: Self.message(body))
            : .schedulerAnswer(url: baseURL, status: status, message: Self.message(body))
    }

    /// The `error` (or `message`) of a JSON answer, or the start of a text one.
    static func message(_ body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            for key in ["error", "message"] {
                if let text = object[key] as? String { return text }
            }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }

    /// A connection error in words (NIO's descriptions name types, not problems).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        let lowered = text.lowercased()
        if lowered.contains("connection refused") || lowered.contains("econnrefused") {
            return "connection refused (is the scheduler running, and is this its admin port?)"
        }
        if lowered.contains("connecttimeout") || lowered.contains("connect timeout") {
            return "no answer to the connection within 5 s"
        }
        if lowered.contains("deadlineexceeded") || lowered.contains("readtimeout") {
            return "the scheduler did not answer in time"
        }
        return text
    }
}

import Foundation
import Hummingbird
import MesosAPI
import NIOCore

/// Routes the local master's HTTP requests by longest path prefix, as libprocess does:
/// `/api/v1/scheduler` (and `/master/…`), `/master/state` (`/state`, `.json`), `/health`, `/master/redirect`,
/// `/version`, `/master/teardown`, and the operator API at `/api/v1`.
///
/// A master that does not lead answers the scheduler, operator, state and teardown endpoints as a real
/// standby does (src/master/http.cpp: `if (!master->elected()) return redirect(request);` before any other
/// check): see `redirect(_:)`.
struct MasterHTTPResponder: HTTPResponder {
    typealias Context = MesosRequestContext

    let master: LocalMaster
    let leadership: MasterLeadership
    let requests: SchedulerRequestLog
    let scheduler: SchedulerEndpoint
    let operatorAPI: OperatorEndpoint
    let flags: [String: String]

    init(
        master: LocalMaster, leadership: MasterLeadership, requests: SchedulerRequestLog,
        flags: [String: String]
    ) {
        self.master = master
        self.leadership = leadership
        self.requests = requests
        self.scheduler = SchedulerEndpoint(master: master)
        self.operatorAPI = OperatorEndpoint(master: master)
        self.flags = flags
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        var path = request.uri.path
        if path.hasPrefix("/master/") { path = String(path.dropFirst("/master".count)) }
        if path == "/api/v1/scheduler" || path.hasPrefix("/api/v1/scheduler/") {
            return try await schedulerAPI(request, context: context)
        }
        let leading = leadership.isLeading
        if path == "/api/v1" || path.hasPrefix("/api/v1/") {
            guard leading else { return redirect(request) }
            return try await operatorAPI.respond(to: request)
        }
        switch path {
        case "/state", "/state.json":
            guard leading else { return redirect(request) }
            let snapshot = await master.snapshot
            return PlainResponse.json(MasterStateJSON(state: snapshot, flags: flags).object)
        case "/health":
            return Response(status: .ok, headers: [.contentLength: "0"])
        case "/redirect":
            return redirect(request)
        case "/version":
            return PlainResponse.json([
                "version": "1.11.0", "build_date": "2026-01-01 00:00:00",
                "build_time": 1_767_225_600.0,
                "build_user": "etcd-mesos",
            ])
        case "/teardown":
            guard leading else { return redirect(request) }
            return await teardown(request)
        default:
            return PlainResponse.make(.notFound, "")
        }
    }

    /// The scheduler API: served while leading, redirected otherwise; the answer is logged, and the stream of
    /// a SUBSCRIBE served is this master's to end when it stops leading.
    private func schedulerAPI(_ request: Request, context: Context) async throws -> Response {
        let response: Response
        if leadership.isLeading {
            response = try await scheduler.respond(to: request, context: context)
            if response.status == .ok,
                let stream = response.headers[SchedulerEndpoint.streamIDHeader]
            {
                leadership.opened(stream)
                // Leadership may have gone while the SUBSCRIBE was served: then the stream goes with it.
                if !leadership.isLeading {
                    for id in leadership.takeStreams() { await master.streamClosed(id) }
                }
            }
        } else {
            response = redirect(request)
        }
        requests.record(
            .init(
                path: request.uri.path, status: Int(response.status.code),
                hadStreamID: request.headers[SchedulerEndpoint.streamIDHeader] != nil,
                authorization: request.headers[.authorization]))
        return response
    }

    /// `Master::Http::redirect` (src/master/http.cpp): 503 "No leader elected" while no leader is known;
    /// otherwise 307 to `//<leader hostname>:<port>` followed by the request's URL as libprocess saw it —
    /// requests to the default process are delegated to `master`, so `/api/v1/scheduler` becomes
    /// `/master/api/v1/scheduler` (3rdparty/libprocess/src/process.cpp, `ProcessManager::handle`). The
    /// redirect endpoint itself goes to the leader's base URL, and anything under it is 404.
    func redirect(_ request: Request) -> Response {
        guard let leader = leadership.leader else {
            return PlainResponse.make(.serviceUnavailable, "No leader elected")
        }
        let host = leader.hostname ?? leader.dottedIP
        let base = "//\(host):\(leader.port)"
        let path = request.uri.path
        let delegated = path == "/master" || path.hasPrefix("/master/") ? path : "/master" + path
        if delegated == "/master/redirect" {
            return Response(
                status: .temporaryRedirect, headers: [.location: base, .contentLength: "0"])
        }
        if delegated.hasPrefix("/master/redirect/") {
            return PlainResponse.make(.notFound, "")
        }
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return Response(
            status: .temporaryRedirect,
            headers: [.location: base + delegated + query, .contentLength: "0"])
    }

    /// `POST /master/teardown` with the form body `frameworkId=<id>`.
    private func teardown(_ request: Request) async -> Response {
        guard request.method == .post else { return PlainResponse.methodNotAllowed(request.method) }
        var request = request
        guard let body = try? await request.collectBody(upTo: 64 * 1024) else {
            return PlainResponse.make(.badRequest, "Unable to read the request body")
        }
        let form = String(buffer: body)
        let pairs = form.split(separator: "&").map {
            $0.split(separator: "=", maxSplits: 1).map(String.init)
        }
        guard let value = pairs.first(where: { $0.first == "frameworkId" && $0.count == 2 })?[1],
            let id = value.removingPercentEncoding
        else {
            return PlainResponse.make(
                .badRequest, "Missing 'frameworkId' query parameter in the request body")
        }
        guard await master.teardown(FrameworkID(id)) else {
            return PlainResponse.make(.badRequest, "No framework found with specified ID")
        }
        return Response(status: .ok, headers: [.contentLength: "0"])
    }
}

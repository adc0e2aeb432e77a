import Foundation
import Hummingbird
import MesosAPI
import NIOCore

/// Routes the local master's HTTP requests by longest path prefix, as libprocess does:
/// `/api/v1/scheduler` (and `/master/…`), `/master/state` (`/state`, `.json`), `/health`, `/master/redirect`,
/// `/version`, `/master/teardown`, and the operator API at `/api/v1`.
struct MasterHTTPResponder: HTTPResponder {
    typealias Context = MesosRequestContext

    let master: LocalMaster
    let scheduler: SchedulerEndpoint
    let operatorAPI: OperatorEndpoint
    let flags: [String: String]

    init(master: LocalMaster, flags: [String: String]) {
        self.master = master
        self.scheduler = SchedulerEndpoint(master: master)
        self.operatorAPI = OperatorEndpoint(master: master)
        self.flags = flags
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        var path = request.uri.path
        if path.hasPrefix("/master/") { path = String(path.dropFirst("/master".count)) }
        if path == "/api/v1/scheduler" || path.hasPrefix("/api/v1/scheduler/") {
            return try await scheduler.respond(to: request, context: context)
        }
        if path == "/api/v1" || path.hasPrefix("/api/v1/") {
            return try await operatorAPI.respond(to: request)
        }
        switch path {
        case "/state", "/state.json":
            let snapshot = await master.snapshot
            return PlainResponse.json(MasterStateJSON(state: snapshot, flags: flags).object)
        case "/health":
            return Response(status: .ok, headers: [.contentLength: "0"])
        case "/redirect":
            let info = master.masterInfo
            let host = info.hostname ?? info.dottedIP
            return Response(
                status: .temporaryRedirect,
                headers: [.location: "//\(host):\(info.port)", .contentLength: "0"])
        case "/version":
            return PlainResponse.json([
                "version": "1.11.0", "build_date": "2026-01-01 00:00:00",
                "build_time": 1_767_225_600.0,
                "build_user": "etcd-mesos",
            ])
        case "/teardown":
            return await teardown(request)
        default:
            return PlainResponse.make(.notFound, "")
        }
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

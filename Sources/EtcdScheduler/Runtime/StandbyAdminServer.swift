import Foundation
import HTTPServing
import Hummingbird
import Logging
import ServiceLifecycle

/// The admin API of a standby instance, which waits while another instance leads: the status routes say so
/// (`/healthz` 503 with the reason "standby: another scheduler instance leads", `/stats` with
/// `scheduler_role: "standby"`, `/metrics` with `etcd_mesos_scheduler_leading 0`); every other route answers
/// 503, after the same access checks as the leader's API. `run()` serves until `stop()` (the instance leads)
/// or SIGTERM/SIGINT.
struct StandbyAdminServer: Sendable {
    static let reason = "standby: another scheduler instance leads"

    private let group: ServiceGroup

    init(
        host: String, port: Int, address: String, adminToken: String, clusterName: String,
        status: StandbyStatus, logger: Logger
    ) {
        let urls = ServedURLs(address: address)
        let access = AdminAccess(token: adminToken, ownOrigin: { urls.admin })
        let router = Router()
            .add(middleware: AdminAccessMiddleware(access: access))
            .add(middleware: StandbyAnswers(status: status, clusterName: clusterName))
        let server = HTTPServer(
            name: "admin (standby)", router: router, host: host, port: port, logger: logger)
        group = ServiceGroup(
            services: [server, StandbyAnnouncement(server: server, urls: urls, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    }

    /// Serves until `stop()` or SIGTERM/SIGINT.
    func run() async throws {
        try await group.run()
    }

    /// Shuts the server down gracefully (also before `run()`: it then stops as soon as it starts).
    func stop() async {
        await group.triggerGracefulShutdown()
    }
}

/// Logs where the standby admin API listens, once it does.
private struct StandbyAnnouncement: Service {
    let server: HTTPServer
    let urls: ServedURLs
    let logger: Logger

    func run() async throws {
        let port = try await server.port()
        urls.set(adminPort: port, artifactPort: 0)
        logger.notice("standby: admin API at \(urls.admin) (status routes only)")
        try? await gracefulShutdown()
    }
}

/// Every answer of the standby admin API.
private struct StandbyAnswers<Context: RequestContext>: RouterMiddleware {
    let status: StandbyStatus
    let clusterName: String

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let snapshot = status.snapshot
        let reads = request.method == .get || request.method == .head
        switch (reads, request.uri.path) {
        case (true, "/healthz"):
            var reasons = [StandbyAdminServer.reason]
            if let leader = snapshot.leader { reasons.append("the leading instance: \(leader)") }
            if let problem = snapshot.problem { reasons.append(problem) }
            return JSONResponse.make(
                HealthBody(status: "standby", reasons: reasons), status: .serviceUnavailable)
        case (true, "/stats"):
            var fields: [String: StatsBody.Value] = [
                "scheduler_role": .text("standby"),
                "scheduler_leader": snapshot.leader.map { .text($0) } ?? .null,
                "cluster_name": .text(clusterName),
                "mesos_master": .null,
            ]
            fields["standby_since"] =
                snapshot.since.map { .text(ISO8601DateFormatter().string(from: $0)) } ?? .null
            return JSONResponse.make(fields)
        case (true, "/metrics"):
            return JSONResponse.text(
                """
                # HELP etcd_mesos_scheduler_leading 1 when this scheduler instance leads, 0 on a standby
                # TYPE etcd_mesos_scheduler_leading gauge
                etcd_mesos_scheduler_leading 0

                """, contentType: "text/plain; version=0.0.4")
        default:
            return JSONResponse.error(
                "\(StandbyAdminServer.reason)"
                    + (snapshot.leader.map { " (\($0)); ask it" } ?? "; ask the leading instance"),
                status: .serviceUnavailable)
        }
    }
}

import Foundation
import Hummingbird
import Reconciler

/// The admin HTTP API (design: "Admin HTTP API"): `/stats`, `/members`, `/membership`, `/healthz`, `/metrics`,
/// `/`, `POST /reseed`. Mutations are POST only; who may call what is `AdminAccess`'s to say, applied to the
/// whole admin router by `AdminAccessMiddleware`.
struct AdminRoutes: Sendable {
    var core: SchedulerCore
    var metrics: SchedulerMetrics
    /// Extra `/stats` fields and `/healthz` reasons from other parts (backups).
    var extras: [any AdminStatusContributor]
    var access: AdminAccess
    /// The framework name, which names the cluster in backups.
    var clusterName: String

    func add(to router: Router<BasicRequestContext>) {
        router.route("/stats", [.get: { _, _ in JSONResponse.make(await statsBody()) }])
        router.route(
            "/members",
            [.get: { _, _ in JSONResponse.make(await core.members.map(MemberRecord.init)) }])
        router.route(
            "/membership",
            [.get: { _, _ in JSONResponse.make(await core.members.map(MemberRecord.init)) }])
        router.route("/healthz", [.get: { _, _ in await health() }])
        router.route(
            "/metrics",
            [
                .get: { _, _ in
                    JSONResponse.text(
                        await metrics.render(stats: core.stats, extras: extras),
                        contentType: "text/plain; version=0.0.4")
                }
            ])
        router.route(
            "/",
            [
                .get: { _, _ in
                    JSONResponse.text(StatusPage.html, contentType: "text/html; charset=utf-8")
                }
            ])
        router.route(
            "/reseed",
            [
                .post: { request, _ in
                    if let refusal = authorize(request) { return refusal }
                    return await answer(core.request(.operatorRequestedReseed))
                }
            ])
    }

    /// The refusal of a request `AdminAccess` does not let through (401, 403, 415), or nil. The middleware has
    /// already refused such a request; routes that check again stay safe wherever they are mounted.
    func authorize(_ request: Request) -> Response? {
        access.refusal(for: request)?.response
    }

    private func statsBody() async -> StatsBody {
        var fields: [String: StatsBody.Value] = [
            "framework_id": await core.persistedState.frameworkID.map { .text($0.rawValue) }
                ?? .null,
            "cluster_name": .text(clusterName),
        ]
        for extra in extras { fields.merge(await extra.statsFields()) { _, new in new } }
        return StatsBody(stats: await core.stats, extra: fields)
    }

    private func health() async -> Response {
        let stats = await core.stats
        let phase = await core.phase
        var problems: [String] = []
        if phase == .awaitingOperator {
            problems.append(
                "every member is lost and the cluster held data: waiting for POST /restore (or an explicit empty start)"
            )
        } else if stats.healthy != 1 {
            problems.append("the etcd cluster has no quorum (phase \(phase.name))")
        }
        if !problems.isEmpty {
            return JSONResponse.make(
                HealthBody(status: "unhealthy", reasons: problems), status: .serviceUnavailable)
        }
        var degraded: [String] = []
        for extra in extras { degraded += await extra.degradedReasons() }
        return JSONResponse.make(
            HealthBody(status: degraded.isEmpty ? "healthy" : "degraded", reasons: degraded))
    }

    /// The admin API's answer to an operator request, from the reconciler's `answer` action.
    func answer(_ actions: [ClusterAction]) -> Response {
        for case .answer(let answer) in actions {
            let status: HTTPResponse.Status = answer.outcome == .refused ? .conflict : .accepted
            return JSONResponse.make(
                [
                    "request": answer.request.rawValue, "outcome": "\(answer.outcome)",
                    "message": answer.message,
                ],
                status: status)
        }
        return JSONResponse.error(
            "the scheduler gave no answer to the request", status: .internalServerError)
    }
}

/// `/healthz`: healthy, degraded (working, but e.g. backups are stale) or unhealthy (503).
struct HealthBody: Encodable {
    var status: String
    var reasons: [String]
}

/// Something that adds fields to `/stats` and reasons to a degraded `/healthz` (e.g. backup freshness).
protocol AdminStatusContributor: Sendable {
    func statsFields() async -> [String: StatsBody.Value]
    func degradedReasons() async -> [String]
    /// Prometheus samples: name → value.
    func metricSamples() async -> [String: Double]
}

/// `/stats`: the original's counters (and this scheduler's) in one flat object, plus contributed fields.
struct StatsBody: Encodable {
    enum Value: Encodable, Sendable, Equatable {
        case number(Double)
        case text(String)
        case null

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let value):
                if value == value.rounded(), abs(value) < 1e15 {
                    try container.encode(Int64(value))
                } else {
                    try container.encode(value)
                }
            case .text(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var stats: ClusterStats
    var extra: [String: Value]

    func encode(to encoder: any Encoder) throws {
        try stats.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in extra { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}

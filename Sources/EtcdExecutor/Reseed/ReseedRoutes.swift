import Foundation
import Hummingbird
import Synchronization
import TaskContract

/// The reseed listener's routes (`ReseedProtocol`).
///
/// `POST /reseed` first passes the `ReseedGate`: 401 without the task's secret (or with another one), 409
/// while another authorized request is being handled, 409 while the member sees a leader, 503 when etcd
/// cannot say. Then it answers 200 `{"status":"reseeded"}` once
/// etcd leads its new cluster of one (at once when it already does), 409 while another reseed is under way, 503
/// when no reseed is possible now, 500 when it failed; every other method is 405. Errors are JSON
/// `{"error": "…"}`.
enum ReseedRoutes {
    static let challenge = #"Bearer realm="etcd-mesos reseed""#

    static func router(
        gate: ReseedGate, reseed: @escaping @Sendable () async -> ReseedOutcome
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let path = RouterPath(ReseedProtocol.path)
        let inFlight = Mutex(false)
        router.on(path, method: .post) { request, _ in
            if case .unauthorized(let reason) = gate.refusal(
                authorization: request.headers[.authorization])
            {
                return json(
                    ["error": reason], status: .unauthorized, headers: [.wwwAuthenticate: challenge]
                )
            }
            // One authorized request at a time, decided before etcd is asked anything: a second one
            // while the first probes or reseeds is 409, whatever etcd would say meanwhile.
            guard
                inFlight.withLock({ busy in
                    defer { busy = true }
                    return !busy
                })
            else {
                return response(for: .busy)
            }
            defer { inFlight.withLock { $0 = false } }
            switch await gate.leaderVerdict() {
            case .admit:
                return response(for: await reseed())
            case .alreadyReseeded:
                return response(for: .reseeded)
            case .unauthorized(let reason):
                return json(
                    ["error": reason], status: .unauthorized, headers: [.wwwAuthenticate: challenge]
                )
            case .leaderSeen(let reason):
                return json(["error": reason], status: .conflict)
            case .leaderUnknown(let reason):
                return json(["error": reason], status: .serviceUnavailable)
            }
        }
        for method in [HTTPRequest.Method.get, .head, .put, .delete, .patch] {
            router.on(path, method: method) { request, _ in
                let refusal =
                    "\(request.method.rawValue) is not allowed on \(ReseedProtocol.path); use POST"
                return json(
                    ["error": refusal], status: .methodNotAllowed,
                    headers: [.allow: ReseedProtocol.method])
            }
        }
        return router
    }

    static func response(for outcome: ReseedOutcome) -> Response {
        switch outcome {
        case .reseeded: json(["status": "reseeded"], status: .ok)
        case .busy: json(["error": outcome.description], status: .conflict)
        case .unavailable(let reason): json(["error": reason], status: .serviceUnavailable)
        case .failed(let reason): json(["error": reason], status: .internalServerError)
        }
    }

    private static func json(
        _ object: [String: String], status: HTTPResponse.Status, headers: HTTPFields = [:]
    ) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data =
            (try? encoder.encode(object)) ?? Data(#"{"error":"unencodable response"}"#.utf8)
        var fields: HTTPFields = [
            .contentType: "application/json", .contentLength: String(data.count),
        ]
        for field in headers { fields.append(field) }
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

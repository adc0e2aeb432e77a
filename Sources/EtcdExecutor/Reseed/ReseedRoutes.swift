import Foundation
import Hummingbird
import TaskContract

/// The reseed listener's routes (`ReseedProtocol`).
///
/// `POST /reseed` answers 200 `{"status":"reseeded"}` once etcd leads its new cluster of one, 409
/// while another reseed is under way, 503 when no reseed is possible now, 500 when it failed; every
/// other method is 405. Errors are JSON `{"error": "…"}`.
enum ReseedRoutes {
    static func router(
        reseed: @escaping @Sendable () async -> ReseedOutcome
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let path = RouterPath(ReseedProtocol.path)
        router.on(path, method: .post) { _, _ in
            response(for: await reseed())
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

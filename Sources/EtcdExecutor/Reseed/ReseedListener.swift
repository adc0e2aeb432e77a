import Foundation
import Hummingbird
import Logging
import TaskContract

/// The executor's reseed listener on the member's reseed port (`ReseedProtocol`).
///
/// `POST /reseed` answers 200 `{"status":"reseeded"}` once etcd leads its new cluster of one, 409 while another
/// reseed is under way, 503 when no reseed is possible now, 500 when it failed; every other method is 405.
/// Errors are JSON `{"error": "…"}`.
enum ReseedListener {
    private enum ServerStart: Sendable {
        case listening
        case failed(String)
    }

    /// Serves until the task running it is cancelled; returns once it listens.
    static func start(
        host: String, port: Int, logger: Logger, in group: inout TaskGroup<Void>,
        reseed: @escaping @Sendable () async -> ReseedOutcome
    ) async throws(ReseedListenerError) {
        // Hummingbird logs every connection cut at shutdown as an error; keep its chatter to real failures.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .critical)
        let (starts, startInput) = AsyncStream.makeStream(of: ServerStart.self)
        let app = Application(
            router: router(reseed: reseed),
            configuration: .init(address: .hostname(host, port: port), serverName: "etcd-mesos-executor"),
            onServerRunning: { _ in startInput.yield(.listening) },
            logger: serverLogger)
        group.addTask {
            do {
                try await app.run()
                startInput.yield(.failed("the server stopped"))
            } catch {
                startInput.yield(.failed("\(error)"))
            }
            startInput.finish()
        }
        var iterator = starts.makeAsyncIterator()
        switch await iterator.next() {
        case .listening: break
        case .failed(let reason): throw ReseedListenerError(address: "\(host):\(port)", reason: reason)
        case nil: throw ReseedListenerError(address: "\(host):\(port)", reason: "the server stopped")
        }
        logger.info("reseed listener ready", metadata: ["address": "\(host):\(port)"])
    }

    static func router(reseed: @escaping @Sendable () async -> ReseedOutcome) -> Router<BasicRequestContext> {
        let router = Router()
        let path = RouterPath(ReseedProtocol.path)
        router.on(path, method: .post) { _, _ in
            response(for: await reseed())
        }
        for method in [HTTPRequest.Method.get, .head, .put, .delete, .patch] {
            router.on(path, method: method) { request, _ in
                json(
                    ["error": "\(request.method.rawValue) is not allowed on \(ReseedProtocol.path); use POST"],
                    status: .methodNotAllowed, headers: [.allow: ReseedProtocol.method])
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

    private static func json(_ object: [String: String], status: HTTPResponse.Status, headers: HTTPFields = [:])
        -> Response
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(object)) ?? Data(#"{"error":"unencodable response"}"#.utf8)
        var fields: HTTPFields = [.contentType: "application/json", .contentLength: String(data.count)]
        for field in headers { fields.append(field) }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The reseed listener could not listen on the member's reseed port.
struct ReseedListenerError: Error, CustomStringConvertible {
    var address: String
    var reason: String
    var description: String { "the reseed listener cannot listen on \(address): \(reason)" }
}

import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird server for the duration of a body: waits until it listens, and on the way out (normal or
/// thrown) runs `beforeStop` and shuts the server down.
enum HTTPServerRunner {
    static func withServer<Responder: HTTPResponder, T: Sendable>(
        responder: Responder, host: String, port: Int, logger: Logger,
        beforeStop: @escaping @Sendable () async -> Void,
        _ body: @Sendable () async throws -> T
    ) async throws -> T where Responder.Context == MesosRequestContext {
        // Hummingbird logs every connection cut at shutdown as an error; keep its own chatter to real failures.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .critical)
        let (listening, listeningContinuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            responder: responder,
            server: .http1(additionalChannelHandlers: [CloseOnInputClosedHandler()]),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { _ in
                listeningContinuation.yield()
                listeningContinuation.finish()
            },
            logger: serverLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { listeningContinuation.finish() }
                try await app.run()
            }
            var iterator = listening.makeAsyncIterator()
            guard await iterator.next() != nil else {
                // The server ended before listening: surface its error.
                try await group.next()
                throw HTTPServerError.stoppedBeforeListening(host: host, port: port)
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            await beforeStop()
            group.cancelAll()
            try? await group.waitForAll()
            return try result.get()
        }
    }
}

/// Why an HTTP server of the local Mesos did not run.
public enum HTTPServerError: Error, CustomStringConvertible {
    case stoppedBeforeListening(host: String, port: Int)

    public var description: String {
        switch self {
        case .stoppedBeforeListening(let host, let port): "the HTTP server on \(host):\(port) stopped before it listened"
        }
    }
}

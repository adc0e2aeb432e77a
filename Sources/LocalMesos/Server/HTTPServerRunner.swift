import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird server for the duration of a body: waits until it listens, and on the way out (normal or
/// thrown) runs `beforeStop` and shuts the server down.
///
/// The shutdown is graceful (the server stops accepting and finishes its connections), with cancellation only
/// as a fallback after a few seconds: cancelling a NIO server while an accepted connection is still queued
/// traps ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
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
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: serverLogger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { listeningContinuation.finish() }
                try await services.run()
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
            await services.triggerGracefulShutdown()
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw CancellationError()
            }
            _ = try? await group.next()
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

import Hummingbird
import Logging
import ServiceLifecycle

/// A running Hummingbird server and the port it bound (the one asked for, or the one the system picked for 0).
///
/// It runs in its own task, outside the caller's cancellation, and stops only through `stop()`: gracefully,
/// with cancellation as a fallback after a few seconds. Cancelling a NIO server while an accepted connection is
/// still queued traps ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
struct HTTPListener: Sendable {
    struct StoppedBeforeListening: Error, CustomStringConvertible {
        var name: String
        var address: String
        var description: String { "the \(name) HTTP server could not listen on \(address)" }
    }

    let port: Int
    private let services: ServiceGroup
    private let running: Task<Void, any Error>

    /// Starts serving `router`; returns once it listens.
    static func start(
        _ router: Router<BasicRequestContext>, host: String, port: Int, name: String, logger: Logger
    ) async throws -> HTTPListener {
        // Hummingbird logs every connection cut at shutdown as an error; keep its chatter to real failures.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .critical)
        let (bound, boundInput) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "etcd-mesos"),
            onServerRunning: { channel in
                boundInput.yield(channel.localAddress?.port ?? port)
                boundInput.finish()
            },
            logger: serverLogger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: serverLogger))
        let running = Task {
            defer { boundInput.finish() }
            try await services.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            _ = await running.result
            throw StoppedBeforeListening(name: name, address: "\(host):\(port)")
        }
        logger.info("\(name) HTTP server listening", metadata: ["address": "\(host):\(boundPort)"])
        return HTTPListener(port: boundPort, services: services, running: running)
    }

    /// Stops accepting, lets open requests finish (at most `grace`), then cancels what is left.
    func stop(grace: Duration = .seconds(3)) async {
        await services.triggerGracefulShutdown()
        let running = self.running
        let deadline = Task {
            try await Task.sleep(for: grace)
            running.cancel()
        }
        _ = await running.result
        deadline.cancel()
    }
}

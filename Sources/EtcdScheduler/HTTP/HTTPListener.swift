import Hummingbird
import Logging

/// Runs a Hummingbird server in a task group and reports the port it bound (the one asked for, or the one
/// the system picked for port 0).
enum HTTPListener {
    struct StoppedBeforeListening: Error, CustomStringConvertible {
        var name: String
        var address: String
        var description: String { "the \(name) HTTP server could not listen on \(address)" }
    }

    /// Starts serving `router` in `group`; returns once it listens.
    static func start(
        _ router: Router<BasicRequestContext>, host: String, port: Int, name: String, logger: Logger,
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> Int {
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
        group.addTask {
            defer { boundInput.finish() }
            try await app.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            throw StoppedBeforeListening(name: name, address: "\(host):\(port)")
        }
        logger.info("\(name) HTTP server listening", metadata: ["address": "\(host):\(boundPort)"])
        return boundPort
    }
}

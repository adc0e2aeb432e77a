import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The one way the binaries serve HTTP: a Hummingbird application run as a `Service`, which tells the port it
/// bound (the one asked for, or the one the system picked for port 0), with an idle timeout and a cap on open
/// connections (`HTTPServerLimits`) so that idle sockets cannot use up the process's file descriptors.
///
/// In a binary it is one service of the binary's `ServiceGroup` and stops gracefully with it. Where a server
/// lives only for a scope (local Mesos in tests), `withRunning` gives it a group of its own and stops it
/// gracefully on the way out: cancelling a NIO server while an accepted connection is still queued traps
/// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#3481).
public struct HTTPServer: Service, CustomStringConvertible {
    /// What the server is for, in logs and errors ("admin", "artifact", "reseed listener").
    public let name: String
    public let host: String
    private let requestedPort: Int
    private let application: any Service
    private let bound: BoundPort
    private let logger: Logger

    /// A server for `responder` on `host:port` with `limits`; `channelHandlers` makes the extra channel handlers
    /// of each connection (between HTTP decoding and the responder).
    public init<Responder: HTTPResponder>(
        name: String, responder: Responder, host: String, port: Int,
        limits: HTTPServerLimits = .standard,
        channelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] },
        logger: Logger
    ) where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let server = HTTPServerBuilder { responder in
            LimitedHTTP1Channel(
                responder: responder,
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: channelHandlers(),
                    idleTimeout: limits.idleTimeout.map { TimeAmount($0) }),
                limiter: ConnectionLimiter(maximum: limits.maxConnections))
        }
        self.init(
            name: name, responder: responder, host: host, port: port, builder: server,
            logger: logger)
    }

    /// A server for `router` on `host:port` with `limits`.
    public init<Context>(
        name: String, router: Router<Context>, host: String, port: Int,
        limits: HTTPServerLimits = .standard, logger: Logger
    )
    where Context: InitializableFromSource<ApplicationRequestContextSource> {
        let responder: RouterResponder<Context> = router.buildResponder()
        self.init(
            name: name, responder: responder, host: host, port: port, limits: limits,
            logger: logger)
    }

    private init<Responder: HTTPResponder>(
        name: String, responder: Responder, host: String, port: Int, builder: HTTPServerBuilder,
        logger: Logger
    ) where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        // Hummingbird logs every connection cut at shutdown as an error; keep its chatter to real failures.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .critical)
        let bound = BoundPort()
        self.name = name
        self.host = host
        self.requestedPort = port
        self.bound = bound
        self.logger = logger
        self.application = Application(
            responder: responder, server: builder,
            configuration: .init(address: .hostname(host, port: port), serverName: "etcd-mesos"),
            onServerRunning: { channel in bound.set(channel.localAddress?.port ?? port) },
            logger: serverLogger)
    }

    public var description: String { "the \(name) HTTP server on \(host):\(requestedPort)" }

    public func run() async throws {
        do {
            try await application.run()
        } catch {
            bound.fail(
                HTTPServerError.stoppedBeforeListening(server: description, reason: "\(error)"))
            throw error
        }
        bound.fail(
            HTTPServerError.stoppedBeforeListening(server: description, reason: "it stopped"))
    }

    /// The port the server listens on, once it does; throws if it stopped before listening.
    public func port() async throws(HTTPServerError) -> Int {
        let port = try await bound.value()
        return port
    }

    /// Runs the server for the duration of `body` (which gets the bound port), then stops it gracefully,
    /// with cancellation as a fallback after `grace`.
    public func withRunning<T: Sendable>(
        grace: Duration = .seconds(5), _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(services: [self], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                let port = try await port()
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            tasks.addTask {
                try await Task.sleep(for: grace)
                throw CancellationError()
            }
            _ = try? await tasks.next()
            tasks.cancelAll()
            try? await tasks.waitForAll()
            return try result.get()
        }
    }
}

/// Why an HTTP server did not serve.
public enum HTTPServerError: Error, CustomStringConvertible {
    case stoppedBeforeListening(server: String, reason: String)

    public var description: String {
        switch self {
        case .stoppedBeforeListening(let server, let reason):
            "\(server) could not listen: \(reason)"
        }
    }
}

/// A port known once a server listens, awaited by whoever needs it (a URL to hand out, a test).
final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Result<Int, HTTPServerError>, Never>])
        case known(Result<Int, HTTPServerError>)
    }

    private let state = Mutex(State.waiting([]))

    func set(_ port: Int) { settle(.success(port)) }

    /// Fails the waiters unless the port is already known.
    func fail(_ error: HTTPServerError) { settle(.failure(error)) }

    func value() async throws(HTTPServerError) -> Int {
        let result = await withCheckedContinuation { continuation in
            let known: Result<Int, HTTPServerError>? = state.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .known(let result):
                    return result
                }
            }
            if let known { continuation.resume(returning: known) }
        }
        return try result.get()
    }

    private func settle(_ result: Result<Int, HTTPServerError>) {
        let waiters = state.withLock {
            state -> [CheckedContinuation<Result<Int, HTTPServerError>, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .known(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}

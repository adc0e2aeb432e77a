import GRPCCore
import GRPCNIOTransportHTTP2
import Logging

/// A client for one etcd member's v3 gRPC API: membership, maintenance (status, snapshot) and key-value calls.
///
/// It talks to exactly one endpoint, so answers describe that member (status, snapshot). Every call has a
/// deadline (`callTimeout`), so a dead or silent endpoint fails with an error naming the endpoint and the
/// operation instead of hanging. Its connections run only while `runConnections()` runs; prefer
/// `withClient(endpoint:…)`, which runs them for the duration of a closure and always shuts them down.
public final class EtcdClient: Sendable {
    public typealias Transport = HTTP2ClientTransport.Posix

    /// The endpoint as given, used in error messages.
    public let endpoint: String
    /// The deadline of each unary call; for a snapshot, the longest wait for its next piece of data.
    public let callTimeout: Duration
    let logger: Logger
    let grpc: GRPCClient<Transport>
    let kv: Etcdserverpb_KV.Client<Transport>
    let cluster: Etcdserverpb_Cluster.Client<Transport>
    let maintenance: Etcdserverpb_Maintenance.Client<Transport>

    /// grpc-swift waits up to 120 s between reconnection attempts by default; a member that restarts should
    /// be reachable again within a couple of seconds, and calls fail at once (not wait) while it is down.
    static let reconnectBackoff = HTTP2ClientTransport.Config.Backoff(
        initial: .milliseconds(200), max: .seconds(2), multiplier: 1.6, jitter: 0.2)

    /// etcd's own clients accept responses up to 2 GiB (a large range, for example); so does this one.
    static let maxResponseMessageBytes = Int(Int32.max)

    /// A client for `endpoint` (`host:port` or `http://host:port`). Nothing connects until
    /// `runConnections()` runs.
    public init(
        endpoint: String,
        callTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "etcd-client")
    ) throws(EtcdClientError) {
        let parsed = try EtcdEndpoint(parsing: endpoint)
        let transport: Transport
        do {
            transport = try .http2NIOPosix(
                target: parsed.target, transportSecurity: .plaintext,
                config: .defaults { $0.backoff = Self.reconnectBackoff })
        } catch {
            throw .invalidEndpoint(endpoint, reason: "\(error)")
        }
        self.endpoint = endpoint
        self.callTimeout = callTimeout
        self.logger = logger
        grpc = GRPCClient(transport: transport)
        kv = Etcdserverpb_KV.Client(wrapping: grpc)
        cluster = Etcdserverpb_Cluster.Client(wrapping: grpc)
        maintenance = Etcdserverpb_Maintenance.Client(wrapping: grpc)
    }

    /// Runs the client's connections until `beginGracefulShutdown()` has been called and the calls in flight
    /// have finished, or until the calling task is cancelled. Call it at most once.
    public func runConnections() async throws {
        try await grpc.runConnections()
    }

    /// Stops accepting calls; `runConnections()` returns once the calls in flight are done.
    public func beginGracefulShutdown() {
        grpc.beginGracefulShutdown()
    }

    /// Runs `body` with a client for `endpoint` whose connections run meanwhile, and shuts the client down
    /// afterwards, whether `body` returns or throws.
    public static func withClient<T>(
        endpoint: String,
        callTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "etcd-client"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (EtcdClient) async throws -> T
    ) async throws -> T {
        let client = try EtcdClient(endpoint: endpoint, callTimeout: callTimeout, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await client.runConnections() }
            do {
                let result = try await body(client)
                client.beginGracefulShutdown()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Options for a unary call: its deadline, and no waiting for a connection that is failing.
    var unaryOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = callTimeout
        options.waitForReady = false
        options.maxResponseMessageBytes = Self.maxResponseMessageBytes
        return options
    }

    /// Runs a unary call and turns gRPC's errors into `EtcdClientError`s naming the endpoint and `operation`.
    func unary<Result: Sendable>(
        _ operation: String,
        _ call: (CallOptions) async throws -> Result
    ) async throws -> Result {
        do {
            return try await call(unaryOptions)
        } catch {
            let translated = translate(error, operation: operation)
            logger.debug(
                "etcd call failed", metadata: ["endpoint": "\(endpoint)", "error": "\(translated)"])
            throw translated
        }
    }

    /// The `EtcdClientError` for an error thrown by grpc-swift; cancellation stays `CancellationError`.
    func translate(_ error: any Error, operation: String) -> any Error {
        if error is EtcdClientError || error is CancellationError { return error }
        if let runtime = error as? RuntimeError, runtime.code == .clientIsStopped {
            return EtcdClientError.clientShutDown(endpoint: endpoint, operation: operation)
        }
        guard let rpc = error as? RPCError else {
            return EtcdClientError.unavailable(
                endpoint: endpoint, operation: operation, reason: "\(error)")
        }
        switch rpc.code {
        case .deadlineExceeded:
            return EtcdClientError.deadlineExceeded(
                endpoint: endpoint, operation: operation, after: callTimeout)
        case .cancelled where Task.isCancelled:
            return CancellationError()
        case .unavailable:
            return EtcdClientError.unavailable(
                endpoint: endpoint, operation: operation, reason: rpc.reason)
        default:
            return EtcdClientError.server(
                endpoint: endpoint, operation: operation, code: "\(rpc.code)", message: rpc.message)
        }
    }
}

extension RPCError {
    /// The message with its causes, innermost last: "Could not establish a connection … (connection refused)".
    fileprivate var reason: String {
        var parts = [message]
        var cause = self.cause
        while let current = cause {
            if let rpc = current as? RPCError {
                parts.append(rpc.message)
                cause = rpc.cause
            } else if let runtime = current as? RuntimeError {
                parts.append(runtime.message)
                cause = runtime.cause
            } else {
                parts.append("\(current)")
                cause = nil
            }
        }
        return parts.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }.filter { !$0.isEmpty }
            .joined(separator: ": ")
    }
}

import EtcdClient
import Logging
import ServiceLifecycle
import Support
import Synchronization

/// One long-lived etcd client per member endpoint, so probes and membership calls reuse connections.
///
/// Each client's connections run as a child task of the pool's `run()`; clients of endpoints that are no
/// longer members are shut down by `keepOnly(_:)`, and every client at graceful shutdown.
final class EtcdClientPool: Service {
    private let clients = Mutex<[String: EtcdClient]>([:])
    private let connections = TaskOwner()
    private let callTimeout: Duration
    private let logger: Logger

    init(callTimeout: Duration, logger: Logger) {
        self.callTimeout = callTimeout
        self.logger = logger
    }

    /// The client for `endpoint` (`http://host:port`), created and connected on first use.
    func client(for endpoint: String) throws -> EtcdClient {
        try clients.withLock { clients in
            if let client = clients[endpoint] { return client }
            let client = try EtcdClient(
                endpoint: endpoint, callTimeout: callTimeout, logger: logger)
            connections.start { _ = try? await client.runConnections() }
            clients[endpoint] = client
            return client
        }
    }

    /// Shuts down the clients of every endpoint not in `endpoints`.
    func keepOnly(_ endpoints: Set<String>) {
        let dropped = clients.withLock { clients in
            let dropped = clients.filter { !endpoints.contains($0.key) }
            for endpoint in dropped.keys { clients[endpoint] = nil }
            return dropped
        }
        for client in dropped.values { client.beginGracefulShutdown() }
    }

    /// Runs the clients' connections until graceful shutdown; then shuts every client down.
    func run() async {
        await withGracefulShutdownHandler {
            await connections.run()
        } onGracefulShutdown: {
            self.keepOnly([])
            self.connections.finish()
        }
    }
}

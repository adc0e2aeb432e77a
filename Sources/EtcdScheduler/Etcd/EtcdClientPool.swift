import EtcdClient
import Logging

/// One long-lived etcd client per member endpoint, so probes and membership calls reuse connections.
///
/// Clients for endpoints that are no longer members are shut down by `keepOnly(_:)`; `shutDown()` stops all.
actor EtcdClientPool {
    private struct Entry {
        var client: EtcdClient
        var connections: Task<Void, Never>
    }

    private var entries: [String: Entry] = [:]
    private let callTimeout: Duration
    private let logger: Logger

    init(callTimeout: Duration, logger: Logger) {
        self.callTimeout = callTimeout
        self.logger = logger
    }

    /// The client for `endpoint` (`http://host:port`), created and connected on first use.
    func client(for endpoint: String) throws -> EtcdClient {
        if let entry = entries[endpoint] { return entry.client }
        let client = try EtcdClient(endpoint: endpoint, callTimeout: callTimeout, logger: logger)
        let connections = Task { _ = try? await client.runConnections() }
        entries[endpoint] = Entry(client: client, connections: connections)
        return client
    }

    /// Shuts down the clients of every endpoint not in `endpoints`.
    func keepOnly(_ endpoints: Set<String>) {
        for (endpoint, entry) in entries where !endpoints.contains(endpoint) {
            entry.client.beginGracefulShutdown()
            entry.connections.cancel()
            entries[endpoint] = nil
        }
    }

    func shutDown() {
        keepOnly([])
    }
}

import Foundation
import ZooKeeper

/// How `ZooKeeperClusterStateStore.write` treats what is already there.
enum ZooKeeperWriteMode {
    /// Only if the node is still at `version` (or, for nil, still absent).
    case compareAndSet(version: Int32?)
    /// Whatever is there (the original's mirror znodes).
    case overwrite
}

extension ZooKeeperClusterStateStore {
    // MARK: node operations, each bounded and retried by `run`

    /// A node's data and version, or nil if it does not exist.
    func read(_ path: String) async throws -> (data: Data, version: Int32)? {
        try await run("read \(path)") { client in
            do {
                let (data, stat) = try await client.get(path)
                return (data, stat.version)
            } catch ZooKeeperError.noNode {
                return nil
            }
        }
    }

    /// Writes `data` to `path`, creating it (and the chroot) if needed; returns the node's new version.
    ///
    /// A write whose answer was lost with the connection may have been applied: when a retry then finds
    /// another version, or the node already created, it reads the node back and counts identical data as done.
    func write(_ path: String, _ data: Data, mode: ZooKeeperWriteMode) async throws -> Int32 {
        try await run("write \(path)") { client in
            let expected: Int32?
            switch mode {
            case .compareAndSet(let version):
                guard let version else {
                    return try await create(path, data, client: client, overwriting: false)
                }
                expected = version
            case .overwrite:
                expected = nil
            }
            do {
                return try await client.set(path, data: data, expectedVersion: expected).version
            } catch ZooKeeperError.noNode {
                // Someone deleted the state we read: as much a second writer as a changed version.
                if case .compareAndSet = mode {
                    throw ClusterStateStoreError.concurrentModification(
                        location: znodeLocation(path))
                }
                return try await create(path, data, client: client, overwriting: true)
            } catch ZooKeeperError.badVersion {
                if let version = try await versionIfHolding(data, at: path, client: client) {
                    return version
                }
                throw ClusterStateStoreError.concurrentModification(location: znodeLocation(path))
            }
        }
    }

    /// Deletes `path` if it exists.
    func delete(_ path: String) async throws {
        try await run("delete \(path)") { client in
            do {
                try await client.delete(path)
            } catch ZooKeeperError.noNode {
                return
            }
        }
    }

    private func create(_ path: String, _ data: Data, client: ZooKeeperClient, overwriting: Bool)
        async throws
        -> Int32
    {
        do {
            try await client.create(path, data: data)
            return 0
        } catch ZooKeeperError.noNode {
            try await client.createParents(address.chroot)
            try await client.create(path, data: data)
            return 0
        } catch ZooKeeperError.nodeExists {
            if let version = try await versionIfHolding(data, at: path, client: client) {
                return version
            }
            guard overwriting else {
                throw ClusterStateStoreError.concurrentModification(location: znodeLocation(path))
            }
            return try await client.set(path, data: data).version
        }
    }

    /// The node's version if it holds exactly `data`.
    private func versionIfHolding(_ data: Data, at path: String, client: ZooKeeperClient)
        async throws -> Int32?
    {
        let (current, stat) = try await client.get(path)
        return current == data ? stat.version : nil
    }

    // MARK: the session

    /// Runs `body` with a connected session, retrying what a new attempt may fix (a lost connection, an
    /// expired session, an unreachable server) until `operationTimeout` has passed since the start.
    /// A call that hangs is cut off by closing the session at the deadline.
    func run<T>(_ operation: String, _ body: (ZooKeeperClient) async throws -> T) async throws -> T
    {
        let clock = ContinuousClock()
        let deadline = clock.now + operationTimeout
        var lastError = "no answer"
        var delay = Duration.milliseconds(100)
        while true {
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                throw ClusterStateStoreError.unavailable(
                    location: location, operation: operation, after: operationTimeout,
                    lastError: lastError)
            }
            do {
                let client = try await connectedClient(within: remaining)
                let watchdog = Task {
                    try? await Task.sleep(for: remaining)
                    if !Task.isCancelled { await client.close() }
                }
                defer { watchdog.cancel() }
                return try await body(client)
            } catch let error as ZooKeeperError {
                lastError = "\(error)"
                switch error {
                case .connectionLoss, .operationTimeout, .connectTimedOut, .invalidConnectString:
                    break
                case .sessionExpired, .closed:
                    await dropClient()
                default:
                    throw ClusterStateStoreError.rejected(
                        location: location, operation: operation, reason: lastError)
                }
            }
            let left = deadline - clock.now
            if left > .zero { try await Task.sleep(for: min(delay, left)) }
            delay = min(delay * 2, .seconds(1))
        }
    }

    /// The current session, or a new one made within `timeout`.
    private func connectedClient(within timeout: Duration) async throws -> ZooKeeperClient {
        if let client { return client }
        let connected = try await ZooKeeperClient.connect(
            address.serverList, sessionTimeout: sessionTimeout, connectTimeout: timeout,
            logger: logger)
        if let client {
            // Another operation connected meanwhile (actor reentrancy); keep one session.
            await connected.close()
            return client
        }
        client = connected
        logger.debug("connected to ZooKeeper", metadata: ["location": "\(location)"])
        return connected
    }

    /// Closes and forgets the current session; the next operation connects anew.
    func dropClient() async {
        guard let client else { return }
        self.client = nil
        await client.close()
    }
}

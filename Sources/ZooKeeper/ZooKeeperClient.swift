import CZooKeeper
import Foundation
import Logging

/// An async ZooKeeper client over libzookeeper_mt, usable from any task.
///
/// One client is one ZooKeeper session. While the connection is lost (`sessionEvents` yields `.suspended`)
/// requests fail with `connectionLoss` and libzookeeper keeps reconnecting; once the session has `.expired`
/// the client is unusable and must be closed and replaced. Paths are absolute and relative to the chroot of
/// the connect string, if it has one. Call `close()` when done: it ends the session at once, so the server
/// deletes the session's ephemeral nodes now rather than after the session timeout.
public final class ZooKeeperClient: Sendable {
    /// The connect string given to `connect`.
    public let connectString: String
    private let handle: ZooKeeperHandle

    private init(connectString: String, handle: ZooKeeperHandle) {
        self.connectString = connectString
        self.handle = handle
    }

    deinit {
        handle.closeDetached()
    }

    /// Connects to `connectString` (`"host:port[,host:port…][/chroot]"`) and waits until a session is established.
    ///
    /// - Parameters:
    ///   - sessionTimeout: asked of the server, which clamps it to [2, 20] × its tick time.
    ///   - connectTimeout: how long to wait for the first connection before giving up with `connectTimedOut`.
    public static func connect(
        _ connectString: String,
        sessionTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "zookeeper")
    ) async throws -> ZooKeeperClient {
        try await connect(
            connectString, resuming: nil, sessionTimeout: sessionTimeout,
            connectTimeout: connectTimeout,
            logger: logger)
    }

    /// Like `connect(_:sessionTimeout:connectTimeout:logger:)`, but attaches to the live session `resuming`
    /// (from `sessionCredentials` of another client) instead of starting a new one. The server moves the session
    /// to this client and disconnects the other; `sessionExpired` if the session has ended.
    public static func connect(
        _ connectString: String,
        resuming: ZooKeeperSessionCredentials?,
        sessionTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "zookeeper")
    ) async throws -> ZooKeeperClient {
        _ = try ZooKeeperConnectString(parsing: connectString)
        let monitor = SessionMonitor(connectString: connectString, logger: logger)
        let handle = try ZooKeeperHandle(
            connectString: connectString, sessionTimeout: sessionTimeout, resuming: resuming,
            monitor: monitor)
        let outcome = await monitor.awaitFirstConnection(timeout: connectTimeout)
        guard case .connected = outcome else {
            await handle.close()
            switch outcome {
            case .timedOut:
                throw ZooKeeperError.connectTimedOut(
                    connectString: connectString, after: connectTimeout)
            case .expired: throw ZooKeeperError.sessionExpired
            case .authFailed:
                throw ZooKeeperError.other(
                    code: ZAUTHFAILED.rawValue, operation: "connect", path: "/")
            case .cancelled, .connected: throw CancellationError()
            }
        }
        return ZooKeeperClient(connectString: connectString, handle: handle)
    }

    /// The session's ID as the server knows it (also the `ephemeralOwner` of its ephemeral nodes).
    public var sessionID: Int64 { handle.monitor.sessionID }

    /// The session's ID and password, for `connect(_:resuming:…)`; `nil` only before the first connection.
    public var sessionCredentials: ZooKeeperSessionCredentials? { handle.monitor.credentials }

    /// Session changes from now on; each access makes a new, independent stream. The current state is not
    /// replayed, except that a stream taken after expiry starts with `.expired` and one taken after `close()`
    /// holds only `.closed`. Every stream finishes after `.closed`. See `ZooKeeperSessionEvent`.
    public var sessionEvents: AsyncStream<ZooKeeperSessionEvent> { handle.monitor.subscribe() }

    /// Ends the session and releases the handle. Watches end with `sessionLost`, session streams with `.closed`,
    /// and later calls throw `closed`. Safe to call more than once.
    public func close() async {
        await handle.close()
    }

    // MARK: writes

    /// Creates a node and returns its actual path, which for sequential modes carries the server's suffix.
    /// For sequential modes `path` may end with `/` to name the node by the counter alone.
    @discardableResult
    public func create(_ path: String, data: Data = Data(), mode: ZooKeeperCreateMode = .persistent)
        async throws -> String
    {
        try ZooKeeperPath.validate(path, allowTrailingSlash: mode.isSequential)
        return try await handle.create(path, data: data, flags: mode.flags)
    }

    /// Like `mkdir -p`: creates `path` and any missing ancestors as empty persistent nodes; nodes that exist
    /// already are left as they are.
    public func createParents(_ path: String) async throws {
        try ZooKeeperPath.validate(path)
        for prefix in ZooKeeperPath.prefixes(of: path) {
            do {
                _ = try await handle.create(
                    prefix, data: Data(), flags: ZooKeeperCreateMode.persistent.flags)
            } catch ZooKeeperError.nodeExists {
                continue
            }
        }
    }

    /// Replaces a node's data. With `expectedVersion` this is a compare-and-set that throws `badVersion`
    /// if the node changed since that version was read.
    @discardableResult
    public func set(_ path: String, data: Data, expectedVersion: Int32? = nil) async throws
        -> ZooKeeperStat
    {
        try ZooKeeperPath.validate(path)
        return try await handle.set(path, data: data, version: expectedVersion)
    }

    /// Deletes a node that has no children; with `expectedVersion`, only if it is still at that version.
    public func delete(_ path: String, expectedVersion: Int32? = nil) async throws {
        try ZooKeeperPath.validate(path)
        try await handle.delete(path, version: expectedVersion)
    }

    // MARK: reads

    /// A node's data and metadata.
    public func get(_ path: String) async throws -> (data: Data, stat: ZooKeeperStat) {
        try ZooKeeperPath.validate(path)
        return try await handle.get(path, watch: nil)
    }

    /// A node's metadata, or `nil` if it does not exist.
    public func exists(_ path: String) async throws -> ZooKeeperStat? {
        try ZooKeeperPath.validate(path)
        return try await handle.exists(path, watch: nil)
    }

    /// The names (not paths) of a node's children, sorted.
    public func children(_ path: String) async throws -> [String] {
        try ZooKeeperPath.validate(path)
        return try await handle.children(path, watch: nil).sorted()
    }

    // MARK: reads that leave a watch

    /// Like `get`, plus a watch that fires on the node's next data change or deletion.
    public func getAndWatch(_ path: String) async throws -> (
        data: Data, stat: ZooKeeperStat, watch: ZooKeeperWatch
    ) {
        try ZooKeeperPath.validate(path)
        let signal = WatchSignal(path: path)
        let (data, stat) = try await handle.get(path, watch: signal)
        return (data, stat, ZooKeeperWatch(signal: signal))
    }

    /// Like `exists`, plus a watch that fires when the node is created, deleted or its data changes.
    public func existsAndWatch(_ path: String) async throws -> (
        stat: ZooKeeperStat?, watch: ZooKeeperWatch
    ) {
        try ZooKeeperPath.validate(path)
        let signal = WatchSignal(path: path)
        let stat = try await handle.exists(path, watch: signal)
        return (stat, ZooKeeperWatch(signal: signal))
    }

    /// Like `children`, plus a watch that fires when a child is added or removed, or the node is deleted.
    public func childrenAndWatch(_ path: String) async throws -> (
        children: [String], watch: ZooKeeperWatch
    ) {
        try ZooKeeperPath.validate(path)
        let signal = WatchSignal(path: path)
        let children = try await handle.children(path, watch: signal).sorted()
        return (children, ZooKeeperWatch(signal: signal))
    }
}

extension ZooKeeperCreateMode {
    var flags: Int32 {
        switch self {
        case .persistent: return ZOO_PERSISTENT
        case .ephemeral: return ZOO_EPHEMERAL
        case .persistentSequential: return ZOO_PERSISTENT_SEQUENTIAL
        case .ephemeralSequential: return ZOO_EPHEMERAL_SEQUENTIAL
        }
    }
}

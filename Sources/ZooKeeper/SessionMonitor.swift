import Logging
import Synchronization

/// Follows one session's state as libzookeeper reports it, and fans it out: to `connect()` waiting for the
/// first connection, to every `sessionEvents` subscriber, and to the watches that a lost session ends.
///
/// It is the context of the handle's global watcher, so its methods run on libzookeeper's completion thread.
final class SessionMonitor: Sendable {
    /// How waiting for the first connection ended.
    enum ConnectOutcome: Sendable {
        case connected
        case timedOut
        case expired
        case authFailed
        case cancelled
    }

    private enum Phase {
        case connecting, connected, suspended, expired, closed
    }

    private struct State {
        var phase = Phase.connecting
        var credentials: ZooKeeperSessionCredentials?
        var connectOutcome: ConnectOutcome?
        var connectWaiter: CheckedContinuation<ConnectOutcome, Never>?
        var subscribers: [Int: AsyncStream<ZooKeeperSessionEvent>.Continuation] = [:]
        var nextSubscriber = 0
        /// Watches whose C registration may still call back; they get `sessionLost` when the session ends.
        var watches: [ObjectIdentifier: WatchSignal] = [:]
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let connectString: String

    init(connectString: String, logger: Logger) {
        self.connectString = connectString
        self.logger = logger
    }

    var credentials: ZooKeeperSessionCredentials? { state.withLock { $0.credentials } }
    var sessionID: Int64 { credentials?.sessionID ?? 0 }

    // MARK: connect

    /// Waits until the session is first connected, it fails, `timeout` passes or the task is cancelled.
    func awaitFirstConnection(timeout: Duration) async -> ConnectOutcome {
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                self.resolveConnect(.timedOut)
            } catch {}
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let outcome: ConnectOutcome? = state.withLock { state in
                    if let outcome = state.connectOutcome { return outcome }
                    state.connectWaiter = continuation
                    return nil
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            resolveConnect(.cancelled)
        }
    }

    private func resolveConnect(_ outcome: ConnectOutcome) {
        let waiter = state.withLock { state -> CheckedContinuation<ConnectOutcome, Never>? in
            guard state.connectOutcome == nil else { return nil }
            state.connectOutcome = outcome
            defer { state.connectWaiter = nil }
            return state.connectWaiter
        }
        waiter?.resume(returning: outcome)
    }

    // MARK: transitions reported by the global watcher

    func connected(credentials: ZooKeeperSessionCredentials, server: String) {
        let sessionID = credentials.sessionID
        let (reconnected, wasReported) = state.withLock { state -> (Bool, Bool) in
            let before = state.phase
            guard before == .connecting || before == .suspended else { return (false, false) }
            state.phase = .connected
            state.credentials = credentials
            return (before == .suspended, true)
        }
        guard wasReported else { return }
        logger.info(
            "ZooKeeper session \(Self.hex(sessionID)) \(reconnected ? "reconnected" : "connected")",
            metadata: ["server": "\(server)"])
        resolveConnect(.connected)
        publish(.connected)
    }

    func suspended() {
        let changed = state.withLock { state -> Bool in
            guard state.phase == .connected else { return false }
            state.phase = .suspended
            return true
        }
        guard changed else { return }
        logger.warning(
            "lost the connection to ZooKeeper; session \(Self.hex(sessionID)) survives if a server is reached in time",
            metadata: ["connect-string": "\(connectString)"])
        publish(.suspended)
    }

    func expired(authFailed: Bool) {
        let watches = state.withLock { state -> [WatchSignal]? in
            guard state.phase != .expired && state.phase != .closed else { return nil }
            state.phase = .expired
            return Array(state.watches.values)
        }
        resolveConnect(authFailed ? .authFailed : .expired)
        guard let watches else { return }
        logger.error(
            "ZooKeeper session \(Self.hex(sessionID)) \(authFailed ? "failed authentication" : "expired")",
            metadata: ["connect-string": "\(connectString)"])
        for watch in watches {
            watch.fire(ZooKeeperWatchEvent(kind: .sessionLost, path: watch.path))
        }
        publish(.expired)
    }

    /// Called once libzookeeper has released the handle: no callback can follow.
    func closed() {
        let (subscribers, watches) = state.withLock { state in
            state.phase = .closed
            defer {
                state.subscribers.removeAll()
                state.watches.removeAll()
            }
            return (Array(state.subscribers.values), Array(state.watches.values))
        }
        resolveConnect(.cancelled)
        for watch in watches {
            watch.fire(ZooKeeperWatchEvent(kind: .sessionLost, path: watch.path))
        }
        for subscriber in subscribers {
            subscriber.yield(.closed)
            subscriber.finish()
        }
        logger.debug("ZooKeeper client closed", metadata: ["connect-string": "\(connectString)"])
    }

    // MARK: subscribers

    /// A stream of the events from now on. After expiry it starts with `.expired`; after close it holds
    /// `.closed` and finishes.
    func subscribe() -> AsyncStream<ZooKeeperSessionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ZooKeeperSessionEvent.self)
        let (id, phase) = state.withLock { state -> (Int, Phase) in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            if state.phase != .closed { state.subscribers[id] = continuation }
            return (id, state.phase)
        }
        switch phase {
        case .closed:
            continuation.yield(.closed)
            continuation.finish()
        case .expired:
            continuation.yield(.expired)
        default:
            break
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    private func publish(_ event: ZooKeeperSessionEvent) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    // MARK: watches

    /// Tracks `watch` until it fires or the session ends. Returns false if the session is already over.
    func register(_ watch: WatchSignal) -> Bool {
        state.withLock { state in
            guard state.phase != .closed && state.phase != .expired else { return false }
            state.watches[ObjectIdentifier(watch)] = watch
            return true
        }
    }

    func unregister(_ watch: WatchSignal) {
        _ = state.withLock { $0.watches.removeValue(forKey: ObjectIdentifier(watch)) }
    }

    /// Session IDs read best in hex, as the server logs them.
    static func hex(_ sessionID: Int64) -> String {
        "0x" + String(UInt64(bitPattern: sessionID), radix: 16)
    }
}

import Synchronization

/// A one-shot ZooKeeper watch: yields exactly one `ZooKeeperWatchEvent` and then finishes.
///
/// The event is the node's change (`created`, `deleted`, `dataChanged`, `childrenChanged`), or
/// `sessionLost` when the session expires or the client is closed first. A watch survives a suspended
/// connection: libzookeeper re-registers it when it reconnects within the session.
/// Several iterators (or `event()` callers) all see the same event. Waiting throws only `CancellationError`.
public struct ZooKeeperWatch: AsyncSequence, Sendable {
    public typealias Element = ZooKeeperWatchEvent

    /// The watched path, relative to the client's chroot.
    public var path: String { signal.path }
    let signal: WatchSignal

    init(signal: WatchSignal) {
        self.signal = signal
    }

    /// Waits for the single event.
    public func event() async throws -> ZooKeeperWatchEvent {
        try await signal.wait()
    }

    /// The event, if it has already happened.
    public var firedEvent: ZooKeeperWatchEvent? { signal.firedEvent }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(signal: signal)
    }

    /// Yields the event once, then `nil`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let signal: WatchSignal
        var finished = false

        public mutating func next() async throws -> ZooKeeperWatchEvent? {
            if finished { return nil }
            let event = try await signal.wait()
            finished = true
            return event
        }
    }
}

/// The shared state behind a watch: fired once (first event wins), awaited by any number of tasks.
final class WatchSignal: Sendable {
    let path: String

    private struct State {
        var event: ZooKeeperWatchEvent?
        var waiters: [Int: CheckedContinuation<ZooKeeperWatchEvent, any Error>] = [:]
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    init(path: String) {
        self.path = path
    }

    var firedEvent: ZooKeeperWatchEvent? { state.withLock { $0.event } }

    /// Delivers `event` to every waiter; later calls are ignored.
    func fire(_ event: ZooKeeperWatchEvent) {
        let waiters = state.withLock {
            state -> [CheckedContinuation<ZooKeeperWatchEvent, any Error>] in
            guard state.event == nil else { return [] }
            state.event = event
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: event) }
    }

    func wait() async throws -> ZooKeeperWatchEvent {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<ZooKeeperWatchEvent, any Error>? = state.withLock { state in
                    if let event = state.event { return .success(event) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

import CZooKeeper
import Foundation
import Synchronization

/// Owns libzookeeper's `zhandle_t`: requests are submitted through it while it is open, and `close()`
/// releases it exactly once. Submitting holds the lock, so no request can race `zookeeper_close`.
final class ZooKeeperHandle: Sendable {
    /// libzookeeper_mt's handle may be used from any thread; only its release must be exclusive.
    private struct Pointer: @unchecked Sendable {
        let raw: OpaquePointer
    }

    private enum State {
        case open(Pointer)
        case closing(waiters: [CheckedContinuation<Void, Never>])
        case closed
    }

    private let state: Mutex<State>
    let monitor: SessionMonitor

    /// Starts a session with `connectString`; the connection is made in the background (see `SessionMonitor`).
    init(
        connectString: String, sessionTimeout: Duration, resuming: ZooKeeperSessionCredentials?,
        monitor: SessionMonitor
    ) throws(ZooKeeperError) {
        let milliseconds =
            sessionTimeout.components.seconds * 1000
            + sessionTimeout.components.attoseconds / 1_000_000_000_000_000
        let result = CallbackBridge.initialize(
            connectString: connectString, sessionTimeoutMilliseconds: Int32(clamping: milliseconds),
            resuming: resuming, monitor: monitor)
        switch result {
        case .success(let raw):
            state = Mutex(.open(Pointer(raw: raw)))
            self.monitor = monitor
        case .failure(let failure):
            let reason: String
            switch failure.errno {
            case EINVAL: reason = "rejected by libzookeeper"
            case ENOENT: reason = "no server address could be resolved"
            case let code: reason = String(cString: strerror(code))
            }
            throw .invalidConnectString("\"\(connectString)\": \(reason)")
        }
    }

    var isClosed: Bool {
        state.withLock { if case .open = $0 { return false } else { return true } }
    }

    /// Runs `body` with the open handle; throws `closed` once `close()` has begun.
    func withOpenHandle<R>(_ body: (OpaquePointer) -> R) throws(ZooKeeperError) -> R {
        try state.withLock { state throws(ZooKeeperError) -> R in
            guard case .open(let pointer) = state else { throw .closed }
            return body(pointer.raw)
        }
    }

    /// Ends the session and frees the handle. Concurrent callers all wait until it is done.
    ///
    /// `zookeeper_close` blocks (it flushes the close request and joins libzookeeper's threads), so it runs on
    /// a thread of its own rather than on the cooperative pool. Pending requests fail with `closed`.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enum Step {
                case release(Pointer)
                case wait, done
            }
            let step = state.withLock { state -> Step in
                switch state {
                case .open(let pointer):
                    state = .closing(waiters: [continuation])
                    return .release(pointer)
                case .closing(let waiters):
                    state = .closing(waiters: waiters + [continuation])
                    return .wait
                case .closed:
                    return .done
                }
            }
            if case .done = step { continuation.resume() }
            guard case .release(let pointer) = step else { return }
            let thread = Thread { [self] in
                zookeeper_close(pointer.raw)
                CallbackBridge.releaseContext(of: monitor)
                monitor.closed()
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    defer { state = .closed }
                    if case .closing(let waiters) = state { return waiters }
                    return []
                }
                for waiter in waiters { waiter.resume() }
            }
            thread.name = "zookeeper-close"
            thread.start()
        }
    }

    /// For `deinit` of an unclosed client: closes in the background.
    func closeDetached() {
        guard !isClosed else { return }
        Task.detached { [self] in await close() }
    }
}

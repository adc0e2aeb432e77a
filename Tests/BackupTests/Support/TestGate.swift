import Backup
import EtcdMesosTesting
import Synchronization

/// Holds a running backup at its first chunk until the test opens the gate: lets a test act (a second request,
/// killing etcd) at a known point of a real snapshot stream instead of racing it.
final class FirstChunkGate: Sendable {
    private struct State {
        var reachedID: String?
        var waiting: [CheckedContinuation<Void, Never>] = []
        var open = false
        var held = false
    }
    private let state = Mutex(State())

    /// The progress observer to give the service: the first chunk of the first backup waits for `open()`.
    var observer: @Sendable (BackupProgress) async -> Void {
        { [self] progress in await self.arrive(progress.id) }
    }

    private func arrive(_ id: String) async {
        let first: Bool = state.withLock { state in
            guard !state.held else { return false }
            state.held = true
            state.reachedID = id
            return true
        }
        guard first else { return }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Waits until a backup has streamed its first chunk; returns that backup's ID. Throws after `timeout`
    /// (the backup failed before streaming, say) instead of hanging the test.
    func firstChunkReached(timeout: Duration = .seconds(30)) async throws -> String {
        try await eventually(
            timeout: timeout, poll: .milliseconds(10), "a backup to stream its first chunk"
        ) {
            state.withLock { $0.reachedID != nil }
        }
        return state.withLock { $0.reachedID! }
    }

    /// Lets the held backup go on (and every later one pass).
    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for waiter in waiters { waiter.resume() }
    }
}

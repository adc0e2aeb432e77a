import Synchronization

/// Fails a stream whose server stops sending: the producer marks when it starts and stops waiting for the next
/// message, and `watch` throws once one wait has lasted longer than `limit`.
///
/// Time the producer spends blocked on a slow consumer does not count: only waits on the server do.
final class StallWatchdog: Sendable {
    private let waitingSince = Mutex<ContinuousClock.Instant?>(nil)

    func startWaiting() { waitingSince.withLock { $0 = .now } }
    func stopWaiting() { waitingSince.withLock { $0 = nil } }

    /// Returns only by throwing: `stalled` when a wait exceeds `limit`, `CancellationError` when cancelled.
    func watch(limit: Duration, stalled: @autoclosure () -> any Error) async throws -> Never {
        while true {
            guard let since = waitingSince.withLock({ $0 }) else {
                try await Task.sleep(for: limit)
                continue
            }
            let deadline = since + limit
            if ContinuousClock.now >= deadline { throw stalled() }
            try await Task.sleep(until: deadline, tolerance: .milliseconds(10))
        }
    }
}

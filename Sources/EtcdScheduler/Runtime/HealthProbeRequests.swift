import Synchronization

/// Probes asked for out of turn (the reconciler's `probeHealth`): the probe loop takes them between its regular
/// probes. Requests made while one is pending collapse into it.
final class HealthProbeRequests: Sendable {
    private let pending = Mutex(false)

    /// Asks for a probe as soon as the loop can make one.
    func request() {
        pending.withLock { $0 = true }
    }

    /// True once per burst of requests: clears them.
    func take() -> Bool {
        pending.withLock { requested in
            defer { requested = false }
            return requested
        }
    }
}

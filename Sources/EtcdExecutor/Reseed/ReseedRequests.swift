import Synchronization

/// The reseed requests the listener waits on. Each gets an id and goes to the executor's run loop,
/// which answers it when its state machine decides; once the run loop has ended (`close`), every
/// request is answered at once.
final class ReseedRequests: Sendable {
    private struct State {
        var nextID = 0
        var waiting: [Int: CheckedContinuation<ReseedOutcome, Never>] = [:]
        var closed = false
    }

    private static let closedOutcome = ReseedOutcome.unavailable("etcd is no longer supervised")
    private let state = Mutex(State())
    private let submit: @Sendable (Int) -> Void

    /// `submit` hands the id of a new request to the run loop.
    init(submit: @escaping @Sendable (Int) -> Void) {
        self.submit = submit
    }

    /// Asks for a reseed and waits for its outcome.
    func request() async -> ReseedOutcome {
        await withCheckedContinuation { continuation in
            let id: Int? = state.withLock { state in
                guard !state.closed else { return nil }
                state.nextID += 1
                state.waiting[state.nextID] = continuation
                return state.nextID
            }
            guard let id else { return continuation.resume(returning: Self.closedOutcome) }
            submit(id)
        }
    }

    func answer(_ id: Int, with outcome: ReseedOutcome) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: outcome)
    }

    /// Answers what still waits, and every later request, with "etcd is no longer supervised".
    func close() {
        let pending = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return state.waiting.values
        }
        for waiter in pending { waiter.resume(returning: Self.closedOutcome) }
    }
}

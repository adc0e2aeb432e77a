import Foundation
import Synchronization

/// What a scheduler instance knows while it waits to lead, for its admin API (`/healthz`, `/stats`): who
/// leads, since when it waits, and the last problem the election met. The election writes it; the standby
/// admin server reads it and starts only once the election has said it must wait.
final class StandbyStatus: Sendable {
    /// A copy of the status.
    struct Snapshot: Sendable, Equatable {
        /// Whether the election found another instance leading (and this one waiting).
        var waiting = false
        /// The leading instance, as it describes itself (`pid 4242 on host-1`), when known.
        var leader: String?
        /// When this instance started to wait.
        var since: Date?
        /// The last problem the election met (ZooKeeper unreachable, …), if any.
        var problem: String?
        /// Whether the wait is over: this instance leads.
        var leads = false
    }

    private struct State {
        var snapshot = Snapshot()
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Another instance leads (`leader`, if known); this one waits.
    func waiting(leader: String?) {
        let waiters = state.withLock { state in
            if !state.snapshot.waiting { state.snapshot.since = Date() }
            state.snapshot.waiting = true
            state.snapshot.leader = leader
            state.snapshot.problem = nil
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// This instance leads: the wait is over (and a standby that never started never will).
    func leading() {
        let waiters = state.withLock { state in
            state.snapshot.leads = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The election met `problem` and keeps trying.
    func problem(_ problem: String) {
        state.withLock { $0.snapshot.problem = problem }
    }

    /// Returns once the election has reported waiting or leading (at once if it has), or when the task is
    /// cancelled.
    func untilWaiting() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.snapshot.waiting || state.snapshot.leads || Task.isCancelled {
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

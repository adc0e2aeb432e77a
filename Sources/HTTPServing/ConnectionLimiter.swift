import NIOCore
import Synchronization

/// Keeps a server's open connections at or under a cap. At the cap a new connection takes the place of the
/// connection idle longest (none of its requests in progress), which is closed; when every connection has a
/// request in progress, the new connection is refused (its server closes it at once).
///
/// So idle connections, however many a client opens, never keep a real request out, and a connection busy with a
/// long response is never cut for them. Every method may be called from any event loop.
final class ConnectionLimiter: Sendable {
    private struct Entry {
        let channel: any Channel
        var requestsInProgress: Int
        /// When it was last admitted or finished a request, in the limiter's own ticks.
        var lastActive: UInt64
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var tick: UInt64 = 0
    }

    let maximum: Int
    private let state = Mutex(State())

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Counts `channel` in, closing the connection idle longest when at the cap; false when it must be refused.
    func admit(_ channel: any Channel) -> Bool {
        let (admitted, evicted) = state.withLock { state -> (Bool, (any Channel)?) in
            var evicted: (any Channel)?
            if state.entries.count >= maximum {
                var oldest: (key: ObjectIdentifier, entry: Entry)?
                for (key, entry) in state.entries where entry.requestsInProgress == 0 {
                    if oldest == nil || entry.lastActive < oldest!.entry.lastActive {
                        oldest = (key, entry)
                    }
                }
                guard let oldest else { return (false, nil) }
                state.entries[oldest.key] = nil
                evicted = oldest.entry.channel
            }
            state.tick += 1
            state.entries[ObjectIdentifier(channel)] = Entry(
                channel: channel, requestsInProgress: 0, lastActive: state.tick)
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        if admitted {
            channel.closeFuture.whenComplete { _ in self.remove(channel) }
        }
        return admitted
    }

    func requestStarted(on channel: any Channel) {
        state.withLock { state in
            Self.change(&state, channel) { $0.requestsInProgress += 1 }
        }
    }

    func requestEnded(on channel: any Channel) {
        state.withLock { state in
            state.tick += 1
            let tick = state.tick
            Self.change(&state, channel) {
                $0.requestsInProgress -= 1
                $0.lastActive = tick
            }
        }
    }

    /// Connections counted now.
    var count: Int { state.withLock { $0.entries.count } }

    private func remove(_ channel: any Channel) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            if state.entries[key]?.channel === channel { state.entries[key] = nil }
        }
    }

    /// Changes `channel`'s entry; an evicted connection's late events change nothing.
    private static func change(
        _ state: inout State, _ channel: any Channel, _ body: (inout Entry) -> Void
    ) {
        let key = ObjectIdentifier(channel)
        guard var entry = state.entries[key] else { return }
        body(&entry)
        state.entries[key] = entry
    }
}

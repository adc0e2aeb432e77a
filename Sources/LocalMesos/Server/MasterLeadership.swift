import Foundation
import MesosAPI
import Synchronization

/// One local master's view of who leads — itself (it serves the scheduler and operator APIs) or another (it
/// answers as a real standby: 307 to the leader, 503 while it knows none) — and the subscription streams it
/// opened while leading, which end when it stops leading or stops (as a real master's connections do when it
/// exits on losing leadership: src/master/master.cpp, `Master::detected`).
///
/// The election (`LocalMasterElection`) updates it; `MasterHTTPResponder` reads it on every request.
public final class MasterLeadership: Sendable {
    /// This master.
    public let own: MasterInfo

    private struct State {
        var leader: MasterInfo?
        var retired = false
        var streams: Set<StreamID> = []
    }

    private let state = Mutex(State())

    init(own: MasterInfo) {
        self.own = own
    }

    /// The leading master as this one knows it; nil when it knows none ("No leader elected").
    public var leader: MasterInfo? { state.withLock { $0.leader } }

    /// Whether this master leads (`Master::elected()`: the detected leader is itself).
    public var isLeading: Bool { state.withLock { Self.leads($0, own) } }

    /// Whether this master opened the subscription stream `id` while leading.
    public func hasOpened(_ id: StreamID) -> Bool { state.withLock { $0.streams.contains(id) } }

    /// Records the detected leader; returns whether this master led before and whether it leads now.
    func update(leader: MasterInfo?) -> (led: Bool, leads: Bool) {
        state.withLock { state in
            let led = Self.leads(state, own)
            if !state.retired { state.leader = leader }
            return (led, Self.leads(state, own))
        }
    }

    /// This master stops: it leads no more and knows no leader. Returns the streams it opened.
    func retire() -> [StreamID] {
        state.withLock { state in
            state.retired = true
            state.leader = nil
            defer { state.streams = [] }
            return Array(state.streams)
        }
    }

    /// A stream opened by a SUBSCRIBE this master served.
    func opened(_ id: StreamID) {
        state.withLock { _ = $0.streams.insert(id) }
    }

    /// The streams opened while it led, to be closed now that it does not.
    func takeStreams() -> [StreamID] {
        state.withLock { state in
            defer { state.streams = [] }
            return Array(state.streams)
        }
    }

    private static func leads(_ state: State, _ own: MasterInfo) -> Bool {
        !state.retired && state.leader?.id == own.id
    }
}

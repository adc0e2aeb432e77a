import Synchronization

/// The scheduler API requests one local master answered, newest last (at most `capacity`): which master a
/// scheduler really talks to, for tests of redirects and leader changes.
public final class SchedulerRequestLog: Sendable {
    /// One answered request.
    public struct Entry: Sendable, Hashable {
        /// The request path (`/api/v1/scheduler` or `/master/api/v1/scheduler`).
        public var path: String
        /// The HTTP status answered (200 SUBSCRIBE, 202 call, 307 redirect, 503 no leader, …).
        public var status: Int
        /// Whether the request carried `Mesos-Stream-Id` (every call but SUBSCRIBE does).
        public var hadStreamID: Bool
        /// The request's `Authorization` header, if any.
        public var authorization: String?
    }

    public let capacity: Int
    private let entries = Mutex<[Entry]>([])

    public init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// The requests answered so far, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }

    func record(_ entry: Entry) {
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }
}

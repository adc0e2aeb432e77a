import Foundation
import Logging
import MesosAPI
import Synchronization
import ZooKeeper

/// Finds the leading Mesos master through ZooKeeper, as Mesos' own detector does (see `MasterGroup`), and
/// follows it as leadership changes.
///
/// Each `leaders()` stream has its own ZooKeeper session, watching the group's children. Connection problems
/// are retried; when the session expires the leader counts as unknown (`nil`) until a new session reads the
/// group again. The detector reads only: it needs no credentials, since Mesos makes its master nodes
/// world-readable.
public struct MasterDetector: Sendable {
    /// The ensemble and group znode to watch.
    public let address: ZooKeeperMasterAddress
    public var sessionTimeout: Duration
    public var connectTimeout: Duration
    /// Longest pause between reconnection attempts (they start at 100 ms and double).
    public var maximumRetryDelay: Duration
    public var logger: Logger

    public init(
        address: ZooKeeperMasterAddress, sessionTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10), maximumRetryDelay: Duration = .seconds(5),
        logger: Logger = Logger(label: "mesos.master-detector")
    ) {
        self.address = address
        self.sessionTimeout = sessionTimeout
        self.connectTimeout = connectTimeout
        self.maximumRetryDelay = maximumRetryDelay
        self.logger = logger
    }

    /// A detector for a connect string whose chroot is the group: `h1:2181,h2:2181/mesos`.
    public init(
        connectString: String, sessionTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "mesos.master-detector")
    ) throws(MasterAddressError) {
        self.init(
            address: try ZooKeeperMasterAddress(parsing: "zk://" + connectString),
            sessionTimeout: sessionTimeout,
            connectTimeout: connectTimeout, logger: logger)
    }

    /// The current leader (`nil`: none known), then the new one at every change. Consecutive values always
    /// differ. Runs until the consumer stops iterating; throws only on problems retrying cannot fix (such as
    /// being denied access to the group's znode).
    public func leaders() -> AsyncThrowingStream<MasterInfo?, any Error> {
        leaders(reportingProblems: { _ in })
    }

    /// The leader, waiting up to `timeout` for one to be elected and readable.
    /// Throws `MasterDetectorError.noLeader` (naming the last problem met, if any) when the time is up.
    public func currentLeader(timeout: Duration) async throws -> MasterInfo {
        let lastProblem = ProblemRecord()
        let stream = leaders(reportingProblems: { lastProblem.set($0) })
        let leader = try await withThrowingTaskGroup(of: MasterInfo?.self) { group in
            group.addTask {
                for try await leader in stream {
                    if let leader { return leader }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let leader else {
            throw MasterDetectorError.noLeader(
                address: address, waited: timeout, lastProblem: lastProblem.value)
        }
        return leader
    }

    /// Calls `body` with the current leader (`nil`: none known) and again at every change (consecutive values
    /// differ), until the task is cancelled; throws only on problems retrying cannot fix. The structured form
    /// of `leaders()`: the follower runs as a child task.
    public func followLeaders(_ body: (MasterInfo?) async throws -> Void) async throws {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: MasterInfo?.self)
        let follower = LeaderFollower(detector: self, continuation: continuation, report: { _ in })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await follower.run()
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { group.cancelAll() }
            for try await leader in stream { try await body(leader) }
            try Task.checkCancellation()
        }
    }

    func leaders(reportingProblems report: @escaping @Sendable (String) -> Void)
        -> AsyncThrowingStream<MasterInfo?, any Error>
    {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: MasterInfo?.self)
        let follower = LeaderFollower(detector: self, continuation: continuation, report: report)
        let task = Task {
            do {
                try await follower.run()
                continuation.finish()
            } catch is CancellationError {
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// Why no leading master could be found.
public enum MasterDetectorError: Error, CustomStringConvertible {
    case noLeader(address: ZooKeeperMasterAddress, waited: Duration, lastProblem: String?)

    public var description: String {
        switch self {
        case .noLeader(let address, let waited, let lastProblem):
            return "no leading Mesos master registered under \(address) within \(waited)"
                + (lastProblem.map { " (last problem: \($0))" } ?? "")
        }
    }
}

/// The last problem a detector met, for the error of `currentLeader`.
final class ProblemRecord: Sendable {
    private let storage = Mutex<String?>(nil)
    func set(_ problem: String) { storage.withLock { $0 = problem } }
    var value: String? { storage.withLock { $0 } }
}

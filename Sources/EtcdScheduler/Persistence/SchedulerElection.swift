import Foundation
import Logging

/// Decides which of several scheduler instances sharing one persistence location leads: only the leader
/// loads the state, subscribes to Mesos and runs the cluster; the others wait as standbys. Two instances
/// side by side happen during a rolling deploy or an overlapping restart under Marathon; without an election
/// each would subscribe in turn, Mesos would fail the other one over, and they would knock each other off
/// forever.
protocol SchedulerElection: Sendable {
    /// What the instances contend for, for logs (`lock file /…/state.json.lock`, `ZooKeeper zk://…`).
    var location: String { get }
    /// Waits until this instance leads, telling `status` why it waits; then returns the term of office.
    func acquire(status: StandbyStatus) async throws -> any LeadershipTerm
}

/// The time an instance leads, from `acquire` to `release`.
protocol LeadershipTerm: Sendable {
    /// Returns never while leadership holds; throws `SchedulerElectionError.leadershipLost` when it is lost
    /// (a ZooKeeper session expired, the lock file replaced). Cancellation ends it.
    func watchForLoss() async throws
    /// Gives leadership up (a standby takes over at once).
    func release() async
}

/// Makes the election that goes with a persistence location.
enum SchedulerElectionFactory {
    /// A `flock` on `<state file>.lock` for a file, ephemeral sequential znodes under the chroot for ZooKeeper.
    static func make(_ location: PersistenceLocation, frameworkName: String, logger: Logger)
        -> any SchedulerElection
    {
        switch location {
        case .file(let path):
            FileLockElection(lockPath: path + ".lock", logger: logger)
        case .zooKeeper(let address):
            ZooKeeperElection(address: address, frameworkName: frameworkName, logger: logger)
        }
    }

    /// Who this instance is, as it tells a standby: `pid 4242 on host-1`.
    static var instanceDescription: String {
        "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)"
    }
}

/// Why an instance could not take part in the election, or stopped leading.
enum SchedulerElectionError: Error, CustomStringConvertible {
    /// The lock file cannot be opened or locked.
    case lockFile(path: String, operation: String, reason: String)
    /// ZooKeeper refused an election operation for a reason retrying cannot fix (e.g. an ACL).
    case rejected(location: String, operation: String, reason: String)
    /// Leadership was lost while leading; the instance must stop, since a standby may lead already.
    case leadershipLost(location: String, reason: String)

    var description: String {
        switch self {
        case .lockFile(let path, let operation, let reason):
            "cannot \(operation) the scheduler lock file \(path): \(reason)"
        case .rejected(let location, let operation, let reason):
            "ZooKeeper refused to \(operation) for the scheduler election in \(location): \(reason)"
        case .leadershipLost(let location, let reason):
            "this scheduler instance lost its leadership (\(location)): \(reason). It stops now, since "
                + "another instance may lead already; restarted, it waits as a standby"
        }
    }
}

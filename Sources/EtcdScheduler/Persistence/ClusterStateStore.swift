import Logging
import Reconciler

/// Where the scheduler keeps its `PersistedClusterState` between runs: framework ID, tasks, cluster epoch,
/// last known revision and last good backup.
///
/// Call `load()` before the first `save(_:)`: a store never replaces stored state it could not read (a
/// corrupt file or znode stops the scheduler with a message instead), and the ZooKeeper store uses the
/// version it read to detect a second scheduler writing the same state.
public protocol ClusterStateStore: Sendable {
    /// Where the state lives, for logs and errors (`file /…/etcd-state.json`, `ZooKeeper zk://…/etcd-mesos`).
    var location: String { get }
    /// The stored state, or `nil` when nothing was ever stored. Throws `ClusterStateStoreError`.
    func load() async throws -> PersistedClusterState?
    /// Replaces the stored state, atomically: a crash leaves the old state or the new one, never a mix.
    func save(_ state: PersistedClusterState) async throws
    /// Forgets the framework (Mesos removed it: its failover timeout expired): drops the framework ID and
    /// the tasks, and keeps what the cluster was (epoch, whether it held data, last backup), so the next
    /// start registers anew and still does not launch an empty cluster over lost data silently.
    func clearFramework() async throws
    /// Releases connections. The store is not used afterwards.
    func close() async
}

/// Makes the store a `PersistenceLocation` names.
public enum StateStoreFactory {
    /// A store for `location`. No I/O happens until the first call; `load()` reports an unreachable
    /// ZooKeeper or an unreadable file.
    public static func make(_ location: PersistenceLocation, frameworkName: String, logger: Logger)
        async throws
        -> any ClusterStateStore
    {
        switch location {
        case .file(let path):
            FileClusterStateStore(path: path, logger: logger)
        case .zooKeeper(let address):
            ZooKeeperClusterStateStore(
                address: address, frameworkName: frameworkName, logger: logger)
        }
    }
}

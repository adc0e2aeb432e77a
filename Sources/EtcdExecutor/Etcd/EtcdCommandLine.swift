import TaskContract

/// The etcd command line for a member of the task data (docs/original-behaviour.md §3.3, with the cluster token).
///
/// The initial-cluster flags are always given: etcd uses them only to bootstrap an empty data dir and ignores
/// them when the data dir already holds a member (a restart), so one command line serves both. etcd listens on
/// `listenHost` (an IP address: etcd binds no host names) and advertises the member's host.
public struct EtcdCommandLine: Sendable, Equatable {
    public var task: EtcdTaskData
    public var dataDirectory: String
    public var listenHost: String

    public init(task: EtcdTaskData, dataDirectory: String, listenHost: String? = nil) {
        self.task = task
        self.dataDirectory = dataDirectory
        self.listenHost = listenHost ?? task.member.host
    }

    /// The arguments (without argv[0]); `forceNewCluster` makes the member the one member of a new cluster
    /// on the same data dir (a reseed).
    public func arguments(forceNewCluster: Bool = false) -> [String] {
        let member = task.member
        let listen = listenHost.contains(":") ? "[\(listenHost)]" : listenHost
        var arguments = [
            "--name=\(member.name)",
            "--data-dir=\(dataDirectory)",
            "--listen-peer-urls=http://\(listen):\(member.rpcPort)",
            "--initial-advertise-peer-urls=\(member.peerURL)",
            "--listen-client-urls=http://\(listen):\(member.clientPort)",
            "--advertise-client-urls=\(member.clientURL)",
            "--initial-cluster=\(task.initialClusterFlag)",
            "--initial-cluster-state=\(task.initialClusterState)",
            "--initial-cluster-token=\(task.clusterToken)",
        ]
        if forceNewCluster { arguments.append("--force-new-cluster") }
        return arguments
    }
}

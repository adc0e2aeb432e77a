import MesosAPI
import Reconciler

/// Everything the composition root needs from the command line: validated and typed, paths absolute.
///
/// Made by `SchedulerOptions.settings(environment:hostName:currentDirectory:)`, which checks values but
/// touches no file; `resolvingLocalFiles(executableDirectory:searchPath:)` then checks the files the flags
/// name, as the original stat'ed its binaries at start.
public struct SchedulerSettings: Sendable, Equatable {
    /// `-framework-name` (or `etcd-<cluster-name>` from the removed `-cluster-name`): FrameworkInfo.name and
    /// the prefix of the persisted znodes.
    public var frameworkName: String
    /// `-master`.
    public var master: MasterAddress
    /// `-zk-framework-persist` or `-framework-persist-file` (or a file under the work dir with a local master).
    public var persistence: PersistenceLocation
    /// The reconciler's policies, from `-cluster-size`, `-sandbox-*-limit`, `-single-instance-per-slave`,
    /// `-chill`, `-reseed-timeout`, `-auto-reseed` and `-mesos-offer-refuse-seconds`.
    public var reconciler: ReconcilerConfiguration
    /// `-failover-timeout-seconds`: FrameworkInfo.failover_timeout.
    public var failoverTimeout: Duration
    /// `-framework-weburi` when given; otherwise see `webUIURL(adminPort:)`.
    public var frameworkWebURI: String?
    /// `-mesos-user`: FrameworkInfo.user, the user agents run the tasks as; nil: the scheduler's own user.
    public var frameworkUser: String? = nil
    /// `-mesos-authentication-principal` and friends; `nil` without a principal.
    public var authentication: MesosAuthentication?
    /// `-address`: the address agents use to reach the artifact server, and the web UI's host.
    /// Defaults to the host name (127.0.0.1 if unknown), or 127.0.0.1 with `-master=local`.
    public var address: String
    /// `-admin-port` (0: any free port, chosen at start).
    public var adminPort: Int
    /// `-admin-address`: where the admin API listens; every interface, or loopback with `-master=local`.
    public var adminAddress: String
    /// `-admin-token-file`: the admin API needs `Authorization: Bearer <its content>` for every POST and every
    /// read of backups. Without it the token is in `adminTokenPath`, created at the first start.
    public var adminTokenFile: String?
    /// `-artifact-port` (0: any free port, chosen at start).
    public var artifactPort: Int
    /// `-executor-bin`, `-etcd-bin`, `-etcdctl-bin`.
    public var binaries: SchedulerBinaries
    /// `-etcd-health-interval`: how often the members are probed.
    public var etcdHealthInterval: Duration
    /// `-work-dir`: the scheduler's own files (local agents' sandboxes, default state file and backups).
    public var workDirectory: String
    /// Set exactly when `master` is `.local`.
    public var localMesos: LocalMesosSettings?
    /// `-backup-dir`, `-backup-interval`, `-backup-retention`, `-backup-compression-level`.
    public var backup: BackupSettings
    /// `-restore-from`: an archive path or backup ID to start the cluster from.
    public var restoreFrom: String?
    /// `-allow-empty-cluster`: after total loss of a cluster that held data, start an empty one anyway.
    public var allowEmptyCluster: Bool
    /// `-log_dir`, `-logtostderr`, `-alsologtostderr`, `-v`.
    public var logging: LoggingSettings
    /// Things the operator should read in the log at start: deprecated or ignored flags, risky choices,
    /// environment variables that supplied values.
    public var notices: [String]

    /// The admin token's file: `-admin-token-file`, else `admin-token` in the work dir.
    public var adminTokenPath: String {
        adminTokenFile ?? workDirectory + "/" + SchedulerDefaults.adminTokenFileName
    }

    /// FrameworkInfo.webui_url: `-framework-weburi`, else `http://<address>:<admin port>/` with the port the
    /// admin server really bound (which differs from `adminPort` when that is 0).
    public func webUIURL(adminPort boundPort: Int) -> String {
        if let frameworkWebURI { return frameworkWebURI }
        let host = address.contains(":") ? "[\(address)]" : address
        return "http://\(host):\(boundPort)/"
    }
}

import MesosAPI

/// Everything one run of the executor works with: what the agent said in the environment, and the flags.
public struct EtcdExecutorSettings: Sendable {
    /// The agent's environment (endpoint, IDs, sandbox, checkpointing, grace periods).
    public var mesos: MesosExecutorEnvironment
    /// The etcd binary (`-etcd-bin`), as an absolute path: relative ones are taken from the sandbox.
    public var etcdBinary: String
    /// How long after the launch (or the last reseed) etcd is restarted when it exits (`-launch-timeout`).
    public var launchTimeout: Duration
    /// `-log_dir`, kept from the original's command line; the log goes to stderr, which the agent keeps.
    public var logDirectory: String?
    /// How long a reseed may take from the request until etcd leads its new one-member cluster.
    public var reseedTimeout: Duration
    /// How long etcd gets to stop before a reseed restarts it.
    public var reseedStopGracePeriod: Duration
    /// How long to wait for the agent to acknowledge the final status update before exiting.
    public var finalAcknowledgementTimeout: Duration
    /// How long fetching a backup archive to restore from may take, from the connect to the last byte.
    public var restoreFetchTimeout: Duration
    /// How long `etcdutl`/`etcdctl snapshot restore` may take.
    public var restoreToolTimeout: Duration

    public init(
        mesos: MesosExecutorEnvironment, etcdBinary: String = "./etcd",
        launchTimeout: Duration = .seconds(240),
        logDirectory: String? = nil, reseedTimeout: Duration = .seconds(90),
        reseedStopGracePeriod: Duration = .seconds(10),
        finalAcknowledgementTimeout: Duration = .seconds(5),
        restoreFetchTimeout: Duration = .seconds(600), restoreToolTimeout: Duration = .seconds(600)
    ) {
        self.mesos = mesos
        self.etcdBinary =
            etcdBinary.hasPrefix("/") ? etcdBinary : Self.join(mesos.sandbox, etcdBinary)
        self.launchTimeout = launchTimeout
        self.logDirectory = logDirectory
        self.reseedTimeout = reseedTimeout
        self.reseedStopGracePeriod = reseedStopGracePeriod
        self.finalAcknowledgementTimeout = finalAcknowledgementTimeout
        self.restoreFetchTimeout = restoreFetchTimeout
        self.restoreToolTimeout = restoreToolTimeout
    }

    /// The data dir of the member: `etcd_data` in the sandbox, as in the original.
    public var dataDirectory: String { Self.join(mesos.sandbox, "etcd_data") }
    /// etcd's stdout and stderr, across restarts.
    public var etcdLogPath: String { Self.join(mesos.sandbox, "etcd.log") }

    private static func join(_ directory: String, _ name: String) -> String {
        let trimmed = name.hasPrefix("./") ? String(name.dropFirst(2)) : name
        return directory.hasSuffix("/") ? directory + trimmed : directory + "/" + trimmed
    }
}

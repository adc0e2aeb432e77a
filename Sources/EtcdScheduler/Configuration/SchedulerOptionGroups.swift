import ArgumentParser
import Backup
import Support

// The flags, grouped as the help shows them. Each value is the text given, or nil when absent; the
// defaults named here come from `SchedulerDefaults`, which `SchedulerOptions.settings(…)` applies
// while it checks every value.

private typealias Defaults = SchedulerDefaults

/// How to reach Mesos and how to register there.
public struct MesosFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("master"),
        help: .flag(
            "Mesos master: host:port, http://host:port, zk://h1:p1,h2:p2/mesos (leader detection), "
                + "or `local` to run an embedded Mesos with -local-agents agents. "
                + "Default \(Defaults.master).",
            value: "address", environment: "master"))
    public var master: String?

    @Option(
        name: .goFlag("framework-name"),
        help: .flag(
            "Framework name; also the prefix of the persisted znodes. "
                + "Default \(Defaults.frameworkName).",
            value: "name", environment: "framework-name"))
    public var frameworkName: String?

    @Option(
        name: .goFlag("cluster-name"),
        help: .flag(
            "Removed in the original (2015); accepted: sets the framework name to "
                + "etcd-<cluster-name> unless -framework-name is given.", value: "name"))
    public var clusterName: String?

    @Option(
        name: .goFlag("failover-timeout-seconds"),
        help: .flag(
            "How long Mesos keeps the framework's tasks after the scheduler disappears: seconds, "
                + "or a duration such as 24h. "
                + "Default \(GoDuration.format(Defaults.failoverTimeout)).",
            value: "seconds", environment: "failover-timeout-seconds"))
    public var failoverTimeoutSeconds: String?

    @Option(
        name: .goFlag("framework-weburi"),
        help: .flag(
            "FrameworkInfo web UI URL. Default http://<address>:<admin-port>/.", value: "url",
            environment: "framework-weburi"))
    public var frameworkWebURI: String?

    @Option(
        name: .goFlag("mesos-user"),
        help: .flag(
            "The user agents run the etcd tasks as (FrameworkInfo.user); it must exist on every agent. "
                + "Default: the user running the scheduler.", value: "user"))
    public var mesosUser: String?

    @Option(
        name: .goFlag("mesos-authentication-principal"),
        help: .flag(
            "Principal to register as; also the credential's principal. Default none.",
            value: "principal"))
    public var authenticationPrincipal: String?

    @Option(
        name: .goFlag("mesos-authentication-secret-file"),
        help: .flag(
            "File whose content is the credential's secret (needs a principal).", value: "path"))
    public var authenticationSecretFile: String?

    @Option(
        name: .goFlag("mesos-authentication-provider"),
        help: .flag(
            "Accepted for compatibility (default \(Defaults.authenticationProvider)); "
                + "the v1 HTTP API always uses HTTP Basic authentication.",
            value: "name"))
    public var authenticationProvider: String?

    @Option(
        name: .goFlag("mesos-offer-refuse-seconds"),
        help: .flag(
            "Refuse filter (seconds) put on every declined offer. "
                + "Default \(plain(Defaults.offerRefuseSeconds)).", value: "seconds"))
    public var offerRefuseSeconds: String?

    @Option(
        name: .goFlag("address"),
        help: .flag(
            "Address agents use to reach this scheduler's artifact server; also the web UI host. "
                + "Default: the host name (\(Defaults.loopbackAddress) with -master=local).",
            value: "address", environment: "address"))
    public var address: String?

    @Option(
        name: .goFlag("driver-port"),
        help: .flag(
            "Accepted and ignored: the v0 driver's libprocess port; the v1 HTTP API needs none.",
            value: "port", environment: "driver-port"))
    public var driverPort: String?

    public init() {}
}

/// The etcd cluster the framework keeps.
public struct ClusterFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("cluster-size"),
        help: .flag(
            "Number of etcd members (3, 5, rarely 7). Default \(Defaults.clusterSize).",
            value: "n", environment: "cluster-size"))
    public var clusterSize: String?

    @Option(
        name: .goFlag("single-instance-per-slave"),
        help: .flag(
            "At most one member per agent host. Default \(Defaults.singleInstancePerAgent).",
            value: "bool", environment: "single-instance-per-slave"))
    public var singleInstancePerSlave: String?

    @Option(
        name: .goFlag("reseed-timeout"),
        help: .flag(
            "How long a livelock (majority lost) lasts before an automatic reseed: seconds or a "
                + "duration. Default \(GoDuration.format(Defaults.reseedTimeout)).",
            value: "seconds", environment: "reseed-timeout"))
    public var reseedTimeout: String?

    @Option(
        name: .goFlag("auto-reseed"),
        help: .flag(
            "Reseed by itself after -reseed-timeout; with -auto-reseed=false only POST /reseed "
                + "does. Default \(Defaults.autoReseed).",
            value: "bool", environment: "auto-reseed"))
    public var autoReseed: String?

    @Option(
        name: .goFlag("chill"),
        help: .flag(
            "Pause between member launches (the original's fixed chill). "
                + "Default \(GoDuration.format(Defaults.chill)).", value: "duration"))
    public var chill: String?

    @Option(
        name: .goFlag("etcd-health-interval"),
        help: .flag(
            "How often the members' health is probed. "
                + "Default \(GoDuration.format(Defaults.etcdHealthInterval)).", value: "duration"))
    public var etcdHealthInterval: String?

    @Option(
        name: .goFlag("sandbox-disk-limit"),
        help: .flag(
            "Disk of each etcd task, MB. Default \(plain(Defaults.sandboxDiskMB)).",
            value: "MB", environment: "sandbox-disk-limit"))
    public var sandboxDiskLimit: String?

    @Option(
        name: .goFlag("sandbox-cpu-limit"),
        help: .flag(
            "CPUs of each etcd task. Default \(plain(Defaults.sandboxCPUs)).",
            value: "cpus", environment: "sandbox-cpu-limit"))
    public var sandboxCPULimit: String?

    @Option(
        name: .goFlag("sandbox-mem-limit"),
        help: .flag(
            "Memory of each etcd task, MB. Default \(plain(Defaults.sandboxMemoryMB)).",
            value: "MB", environment: "sandbox-mem-limit"))
    public var sandboxMemLimit: String?

    @Option(
        name: .goFlag("restore-from"),
        help: .flag(
            "Start the cluster from this backup (archive path or backup ID).", value: "backup"))
    public var restoreFrom: String?

    @Option(
        name: .goFlag("allow-empty-cluster"),
        help: .flag(
            "After total loss of a cluster that held data, start an empty one instead of waiting "
                + "for a restore. Default \(Defaults.allowEmptyCluster).", value: "bool"))
    public var allowEmptyCluster: String?

    public init() {}
}

/// Where state and working files live.
public struct FileFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("zk-framework-persist"),
        help: .flag(
            "Persist the framework ID and cluster state in ZooKeeper: zk://h1:p1,h2:p2/chroot "
                + "(the chroot may have several segments). Required unless "
                + "-framework-persist-file is given or -master=local.",
            value: "url", environment: "zk-framework-persist"))
    public var zkFrameworkPersist: String?

    @Option(
        name: .goFlag("framework-persist-file"),
        help: .flag(
            "Persist in this JSON file instead of ZooKeeper. Default with -master=local: "
                + "<work-dir>/<framework-name>-state.json.", value: "path"))
    public var frameworkPersistFile: String?

    @Option(
        name: .goFlag("work-dir"),
        help: .flag(
            "Directory for the scheduler's own files: local agents' sandboxes, the default state "
                + "file and backups. Default \(Defaults.workDirectory).", value: "path"))
    public var workDirectory: String?

    @Option(
        name: .goFlag("local-agents"),
        help: .flag(
            "Agents of the embedded Mesos (-master=local), on 127.0.0.2, 127.0.0.3, … "
                + "Default max(\(Defaults.minimumLocalAgents), -cluster-size).", value: "n"))
    public var localAgents: String?

    public init() {}
}

/// Periodic snapshots of the key space.
public struct BackupFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("backup-dir"),
        help: .flag(
            "Backup directory. Default <work-dir>/\(Defaults.backupDirectoryName).",
            value: "path"))
    public var backupDir: String?

    @Option(
        name: .goFlag("backup-interval"),
        help: .flag(
            "Time between snapshots: 30m, 90s, 1h30m or seconds; 0 turns periodic backups off. "
                + "Default \(GoDuration.format(Defaults.backupInterval)).", value: "duration"))
    public var backupInterval: String?

    @Option(
        name: .goFlag("restore-drill-interval"),
        help: .flag(
            "Time between restore drills of the newest backup (restored into a throwaway etcd beside the "
                + "scheduler; the result goes into its sidecar); 0 turns them off (POST /backups/{id}/drill "
                + "still works). Default \(GoDuration.format(Defaults.restoreDrillInterval)).",
            value: "duration"))
    public var restoreDrillInterval: String?

    @Option(
        name: .goFlag("backup-retention"),
        help: .flag(
            "Backups to keep: 10 (the newest 10), 7d or 72h (by age), or 10,7d (either keeps). "
                + "Manual backups (POST /backups) are counted apart: the newest "
                + "\(Defaults.manualBackupsKept) are kept. The newest good backup is never deleted. "
                + "Default \(Defaults.backupRetention).", value: "rule"))
    public var backupRetention: String?

    @Option(
        name: .goFlag("backup-compression-level"),
        help: .flag(
            "zstd level, \(BackupCompression.levels.lowerBound) (fastest) to "
                + "\(BackupCompression.levels.upperBound) (smallest, slow). "
                + "Default \(Defaults.backupCompressionLevel).", value: "level"))
    public var backupCompressionLevel: String?

    @Option(
        name: .goFlag("backup-store"),
        help: .flag(
            "Also keep backups in an S3-compatible object store, s3://bucket/prefix; the backup directory "
                + "is then a staging cache. Needs -backup-store-endpoint and credentials "
                + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or -backup-store-credentials-file).",
            value: "url"))
    public var backupStore: String?

    @Option(
        name: .goFlag("backup-store-endpoint"),
        help: .flag(
            "The object store's endpoint, http(s)://host[:port] (addressed path-style).",
            value: "url"))
    public var backupStoreEndpoint: String?

    @Option(
        name: .goFlag("backup-store-region"),
        help: .flag(
            "The region requests are signed for. Default \(Defaults.backupStoreRegion).",
            value: "region"))
    public var backupStoreRegion: String?

    @Option(
        name: .goFlag("backup-store-credentials-file"),
        help: .flag(
            "An AWS credentials file ([default] aws_access_key_id, aws_secret_access_key), mode 0600; "
                + "without it the AWS_* environment variables are used.", value: "path"))
    public var backupStoreCredentialsFile: String?

    @Option(
        name: .goFlag("backup-encryption-key-file"),
        help: .flag(
            "Encrypt archives in the object store (AES-256-GCM, in chunks) with the 32 random bytes of this "
                + "file (raw or 64 hex digits), mode 0600: head -c 32 /dev/urandom > key. Sidecars name the "
                + "key's ID, never the key. Needs -backup-store.", value: "path"))
    public var backupEncryptionKeyFile: String?

    public init() {}
}

/// glog's flags.
public struct LoggingFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("log_dir"),
        help: .flag("Also write the log to a file in this directory.", value: "path"))
    public var logDirectory: String?

    @Option(
        name: .goFlag("logtostderr"),
        help: .flag(
            "Log to stderr only, not to -log_dir. Default \(Defaults.logToStderrOnly).",
            value: "bool"))
    public var logToStderr: String?

    @Option(
        name: .goFlag("alsologtostderr"),
        help: .flag(
            "Accepted for compatibility: the log always goes to stderr. "
                + "Default \(Defaults.alsoLogToStderr).", value: "bool"))
    public var alsoLogToStderr: String?

    @Option(
        name: [.customShort("v"), .customLong("v")],
        help: .flag(
            "Verbosity: 0 info, 1 debug, 2 trace. Default \(Defaults.verbosity).",
            value: "level", environment: "v"))
    public var verbosity: String?

    public init() {}
}

/// A number as the help prints it: `4096`, not `4096.0`.
private func plain(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
}

import Backup

/// What each scheduler flag means when neither the command line nor its container environment
/// variable gives it: the original's defaults, and ours for the flags it did not have.
///
/// `SchedulerOptions.settings(…)` applies these and the help texts print them, so the two cannot
/// differ.
public enum SchedulerDefaults {
    // Mesos.

    /// `-master`.
    public static let master = "127.0.0.1:5050"
    /// `-framework-name`.
    public static let frameworkName = "etcd"
    /// `-failover-timeout-seconds`: a week.
    public static let failoverTimeout = Duration.seconds(604_800)
    /// `-mesos-authentication-provider`, kept for the log only.
    public static let authenticationProvider = "SASL"
    /// `-mesos-offer-refuse-seconds`.
    public static let offerRefuseSeconds: Double = 15
    /// `-address` with `-master=local`, and when the host name is unknown.
    public static let loopbackAddress = "127.0.0.1"

    // The etcd cluster.

    /// `-cluster-size`.
    public static let clusterSize = 5
    /// `-single-instance-per-slave`.
    public static let singleInstancePerAgent = true
    /// `-reseed-timeout`.
    public static let reseedTimeout = Duration.seconds(240)
    /// `-auto-reseed`.
    public static let autoReseed = true
    /// `-chill`.
    public static let chill = Duration.seconds(10)
    /// `-etcd-health-interval`.
    public static let etcdHealthInterval = Duration.seconds(2)
    /// `-sandbox-cpu-limit`.
    public static let sandboxCPUs: Double = 4
    /// `-sandbox-mem-limit`, MB.
    public static let sandboxMemoryMB: Double = 2048
    /// `-sandbox-disk-limit`, MB.
    public static let sandboxDiskMB: Double = 4096
    /// `-allow-empty-cluster`.
    public static let allowEmptyCluster = false

    // Files and the embedded Mesos.

    /// `-work-dir`.
    public static let workDirectory = "./etcd-mesos-work"
    /// Where `-executor-bin`, `-etcd-bin` and `-etcdctl-bin` are first looked for.
    public static let binaryDirectory = "./bin"
    /// `-local-agents` is at least this many (and at least `-cluster-size`).
    public static let minimumLocalAgents = 3

    // Ports.

    /// `-admin-port`.
    public static let adminPort = 23400
    /// `-admin-address`: every interface; `loopbackAddress` with `-master=local`.
    public static let adminAddress = "0.0.0.0"
    /// Without `-admin-token-file`, the admin token is created in this file in `-work-dir`.
    public static let adminTokenFileName = "admin-token"
    /// `-artifact-port`.
    public static let artifactPort = 12300

    // Backups.

    /// `-backup-dir` is this directory inside `-work-dir`.
    public static let backupDirectoryName = "backups"
    /// `-backup-store-region`.
    public static let backupStoreRegion = "us-east-1"
    /// `-backup-interval`.
    public static let backupInterval = Duration.seconds(30 * 60)
    /// `-restore-drill-interval`.
    public static let restoreDrillInterval = Duration.seconds(24 * 3600)
    /// `-backup-retention`: the newest 48 (a day at the default interval).
    public static let backupRetention = BackupRetention(keepNewest: 48, keepWithin: nil)
    /// Manual backups (`POST /backups`) kept, counted apart from the periodic ones `-backup-retention` keeps.
    public static let manualBackupsKept = RetentionPolicy.defaultKeepManual
    /// `-backup-compression-level`: the backup pipeline's own standard level.
    public static let backupCompressionLevel = BackupCompression.standard.level

    // Logging.

    /// `-logtostderr`.
    public static let logToStderrOnly = false
    /// `-alsologtostderr`.
    public static let alsoLogToStderr = false
    /// `-v`.
    public static let verbosity = 0
}

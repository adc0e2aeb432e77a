/// The policies of the reconciler. Defaults are the original's (docs/original-behaviour.md §2 and its constants).
public struct ReconcilerConfiguration: Sendable, Equatable {
    /// `-cluster-size`: etcd members wanted.
    public var clusterSize: Int = 5
    /// Resources of each etcd task (`-sandbox-cpu-limit`, `-sandbox-mem-limit`, `-sandbox-disk-limit`).
    public var taskResources = TaskResources(cpus: 4, memoryMB: 2048, diskMB: 4096)
    /// What the executor itself needs on top of the task (the original's 0.1 cpu and 32 MB).
    public var executorResources = TaskResources(cpus: 0.1, memoryMB: 32, diskMB: 0)
    /// `-single-instance-per-slave`: at most one member per agent host.
    public var singleInstancePerAgent = true
    /// The pause between launches (the original's fixed `chill`, 10 s).
    public var chill: Duration = .seconds(10)
    /// `-reseed-timeout`: how long a livelock lasts before an automatic reseed, and how long each reseed
    /// candidate gets to become a healthy one-member cluster.
    public var reseedTimeout: Duration = .seconds(240)
    /// `-auto-reseed`: reseed by itself after `reseedTimeout`; when false only an operator request reseeds.
    public var autoReseed = true
    /// `-mesos-offer-refuse-seconds`: the refuse filter put on every declined offer.
    public var offerRefuseSeconds: Double = 15
    /// How long a usable offer is held waiting for the chill or a membership change before it is declined.
    public var offerHoldLimit: Duration = .seconds(30)
    /// Period of implicit task reconciliation while in sync (the original's 5 min).
    public var reconcileInterval: Duration = .seconds(300)
    /// A launched task that reports neither RUNNING nor a terminal state within this time is killed
    /// (the original let tasks stuck in staging hold their slot forever).
    public var launchTimeout: Duration = .seconds(240)
    /// A kill not answered by a terminal update within this time is sent again.
    public var killRetryInterval: Duration = .seconds(30)
    /// An etcd membership call not answered within this time is counted as failed.
    public var membershipOperationTimeout: Duration = .seconds(30)
    /// Waits before retrying a failed etcd call or reconciliation; the last entry repeats (original: 1, 2, 4, 8, 8 s).
    public var retryBackoff: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8)]
    /// Add new members as raft learners and promote them once they answer, so that a member that never
    /// starts cannot cost the cluster its quorum (etcd 3.4+).
    public var addMembersAsLearners = true
    /// Consecutive probes without quorum before a livelock episode is declared (one failed probe can be a
    /// leader election in progress).
    public var livelockConfirmations = 2
    /// A change of only the last known revision is persisted at most this often.
    public var revisionPersistInterval: Duration = .seconds(60)
    /// A seed from a backup launches every member at once (each restores the snapshot with the full initial
    /// cluster); it waits this long after its first usable offer for offers from enough agents, then seeds
    /// with the agents it has and adds the rest as usual.
    public var seedOfferWait: Duration = .seconds(10)
    /// The `n` of the first member name `etcd-<n>`. The scheduler passes the Unix time at start, like the original.
    public var firstMemberIndex = 1
    /// What to do when every member of a cluster that held data is lost (`-restore-from`,
    /// `-allow-empty-cluster`); by default an operator decides.
    public var totalLoss: TotalLossPolicy = .waitForOperator

    public init(clusterSize: Int = 5) {
        self.clusterSize = clusterSize
    }

    /// Checks the values a user can set through flags.
    public func validate() throws(ReconcilerConfigurationError) {
        guard clusterSize >= 1 else { throw .clusterSizeTooSmall(clusterSize) }
        guard offerRefuseSeconds >= 0 else { throw .negativeRefuseSeconds(offerRefuseSeconds) }
        guard reseedTimeout > .zero else { throw .nonPositiveReseedTimeout(reseedTimeout) }
        guard !retryBackoff.isEmpty else { throw .emptyRetryBackoff }
        guard livelockConfirmations >= 1 else {
            throw .livelockConfirmationsTooSmall(livelockConfirmations)
        }
    }
}

/// What the reconciler does after total loss of a cluster that held data.
public enum TotalLossPolicy: Sendable, Equatable {
    /// Wait for `POST /restore` or an explicit empty start (the default).
    case waitForOperator
    /// `-restore-from`: seed a new epoch from this (verified) backup — at once when no task is on record,
    /// otherwise the first time every member is found lost. Used once.
    case restore(backupID: String)
    /// `-allow-empty-cluster`: start an empty cluster every time, giving the old data up.
    case startEmpty
}

/// CPU, memory and disk of a task or executor, in Mesos units (cpus, MB, MB).
public struct TaskResources: Sendable, Equatable, Codable {
    public var cpus: Double
    public var memoryMB: Double
    public var diskMB: Double

    public init(cpus: Double, memoryMB: Double, diskMB: Double) {
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.diskMB = diskMB
    }
}

/// A reconciler setting that cannot work.
public enum ReconcilerConfigurationError: Error, Equatable, CustomStringConvertible {
    case clusterSizeTooSmall(Int)
    case negativeRefuseSeconds(Double)
    case nonPositiveReseedTimeout(Duration)
    case emptyRetryBackoff
    case livelockConfirmationsTooSmall(Int)

    public var description: String {
        switch self {
        case .clusterSizeTooSmall(let size):
            "-cluster-size must be at least 1 (got \(size)); 3 or 5 are the usual choices"
        case .negativeRefuseSeconds(let seconds):
            "-mesos-offer-refuse-seconds must not be negative (got \(seconds))"
        case .nonPositiveReseedTimeout(let timeout):
            "-reseed-timeout must be longer than zero (got \(timeout))"
        case .emptyRetryBackoff:
            "the retry backoff needs at least one delay"
        case .livelockConfirmationsTooSmall(let count):
            "livelock confirmations must be at least 1 (got \(count))"
        }
    }
}

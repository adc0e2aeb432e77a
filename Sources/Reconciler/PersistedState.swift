/// What the scheduler stores (ZooKeeper or a file) so that a restart neither duplicates members nor
/// silently starts an empty cluster over lost data. Codable; the adapter picks the encoding.
public struct PersistedClusterState: Sendable, Equatable, Codable {
    public var frameworkID: FrameworkID?
    /// Every task the scheduler launched or adopted and has not seen end, sorted by task ID.
    public var tasks: [PersistedTask]
    /// Bumped when a cluster is formed, reseeded or restored. 0: no cluster was ever started.
    public var clusterEpoch: Int
    /// A member of the current epoch has run, so the cluster may hold data that a restart must not drop.
    public var clusterFormed: Bool
    /// The highest etcd revision seen in this epoch (etcd starts at 1; more means writes happened).
    public var lastKnownRevision: Int64
    public var lastGoodBackup: String?
    /// The etcd revision `lastGoodBackup` holds (absent in states written before it was kept).
    public var lastGoodBackupRevision: Int64?
    /// The seed of a reseed that has not finished; a restarted scheduler completes it.
    public var reseedSeed: TaskID?
    /// A restore the operator asked for that has not produced a running member yet.
    public var pendingRestore: String?
    /// The key (32 random bytes, base64url) each task's executor secret is derived from; the scheduler creates it
    /// before its first launch and keeps it here, so a restarted scheduler can still reseed the members it
    /// launched. The reconciler only carries it.
    public var executorSecretKey: String?

    public init(
        frameworkID: FrameworkID? = nil, tasks: [PersistedTask] = [], clusterEpoch: Int = 0,
        clusterFormed: Bool = false, lastKnownRevision: Int64 = 0, lastGoodBackup: String? = nil,
        lastGoodBackupRevision: Int64? = nil, reseedSeed: TaskID? = nil,
        pendingRestore: String? = nil, executorSecretKey: String? = nil
    ) {
        self.frameworkID = frameworkID
        self.tasks = tasks
        self.clusterEpoch = clusterEpoch
        self.clusterFormed = clusterFormed
        self.lastKnownRevision = lastKnownRevision
        self.lastGoodBackup = lastGoodBackup
        self.lastGoodBackupRevision = lastGoodBackupRevision
        self.reseedSeed = reseedSeed
        self.pendingRestore = pendingRestore
        self.executorSecretKey = executorSecretKey
    }

    /// Whether the stored state says a cluster with possibly valuable data existed.
    public var mayHoldData: Bool { clusterFormed || lastKnownRevision > 1 }
}

/// A persisted task: enough to reconcile it explicitly (the original's `{taskID: agentID}` map).
public struct PersistedTask: Sendable, Equatable, Codable {
    public var taskID: TaskID
    public var agentID: AgentID?

    public init(taskID: TaskID, agentID: AgentID?) {
        self.taskID = taskID
        self.agentID = agentID
    }
}

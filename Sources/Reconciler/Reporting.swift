/// The `/stats` counters (docs/original-behaviour.md §8.3) plus what this version adds. Counters reset on restart.
public struct ClusterStats: Sendable, Equatable, Codable {
    /// Tasks whose last state is RUNNING.
    public var runningServers: Int
    /// Launches sent to Mesos.
    public var launchedServers: Int
    /// Tasks that ended (counted once per task; reseed kills and reconciliation answers included).
    public var failedServers: Int
    /// Livelock episodes (not failed probes, as the original counted).
    public var clusterLivelocks: Int
    /// Reseeds started, automatic and operator-requested.
    public var clusterReseeds: Int
    /// 1 when the last probe found quorum and no alarm; 0 otherwise, during a livelock, or after total loss.
    public var healthy: Int
    public var clusterSize: Int
    /// Tasks launched that have not reported RUNNING.
    public var pendingServers: Int
    /// `ClusterPhase.name`.
    public var phase: String
    /// 1 when the cluster was lost entirely and waits for a restore or an explicit empty start.
    public var awaitingOperator: Int
    public var clusterEpoch: Int
    public var lastKnownRevision: Int64

    enum CodingKeys: String, CodingKey {
        case runningServers = "running_servers"
        case launchedServers = "launched_servers"
        case failedServers = "failed_servers"
        case clusterLivelocks = "cluster_livelocks"
        case clusterReseeds = "cluster_reseeds"
        case healthy
        case clusterSize = "cluster_size"
        case pendingServers = "pending_servers"
        case phase
        case awaitingOperator = "awaiting_operator"
        case clusterEpoch = "cluster_epoch"
        case lastKnownRevision = "last_known_revision"
    }
}

/// What the scheduler is doing (docs/original-behaviour.md §5.1, with the livelock and total-loss states made explicit).
public enum ClusterPhase: Sendable, Equatable {
    /// No Mesos subscription: offers declined, nothing launched.
    case disconnected
    /// Subscribed; waiting for reconciliation to answer for every known task.
    case syncing
    /// In sync; members are launched and replaced as needed.
    case mutable
    /// A majority of etcd's voters is unreachable or follows no common leader; `since` is the first bad probe.
    case livelocked(since: ReconcilerInstant)
    /// A survivor is being made the seed of a new cluster; no launches.
    case reseeding(seed: TaskID)
    /// Every member is gone and the cluster may have held data: waiting for a restore or an empty start.
    case awaitingOperator

    /// Name for `/stats`.
    public var name: String {
        switch self {
        case .disconnected: "disconnected"
        case .syncing: "syncing"
        case .mutable: "mutable"
        case .livelocked: "livelocked"
        case .reseeding: "reseeding"
        case .awaitingOperator: "awaiting_operator"
        }
    }
}

/// One member as `/members` and `/membership` show it.
public struct ClusterMember: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// Launched; no update yet (or restored and not yet reconciled).
        case launching
        case starting
        case running
        /// A kill was sent.
        case killing
    }

    public var identity: MemberIdentity
    public var taskID: TaskID { identity.taskID }
    public var agentID: AgentID?
    public var state: State
    /// etcd's ID for this member, once known.
    public var etcdMemberID: EtcdMemberID?
    public var isLearner: Bool
    /// Whether the last probe reached it.
    public var reachable: Bool?
}

/// `GET /stats`: the fields the restore CLI follows (the scheduler sends more).
public struct SchedulerStats: Decodable, Sendable, Hashable {
    public var runningServers: Int
    /// 1 when the last probe found quorum and no alarm.
    public var healthy: Int
    public var clusterSize: Int
    public var phase: String
    public var clusterEpoch: Int?
    public var lastKnownRevision: Int64?
    /// 1 after total loss, while the scheduler waits for a restore.
    public var awaitingOperator: Int?
    public var frameworkID: String?
    /// The cluster's name, where the scheduler reports it.
    public var clusterName: String?

    enum CodingKeys: String, CodingKey {
        case runningServers = "running_servers"
        case healthy
        case clusterSize = "cluster_size"
        case phase
        case clusterEpoch = "cluster_epoch"
        case lastKnownRevision = "last_known_revision"
        case awaitingOperator = "awaiting_operator"
        case frameworkID = "framework_id"
        case clusterName = "cluster_name"
    }

    /// True once every configured member runs and the cluster is healthy.
    public var isComplete: Bool {
        clusterSize > 0 && runningServers >= clusterSize && healthy == 1
            && (awaitingOperator ?? 0) == 0
    }

    /// `phase mutable, 2/3 running, healthy 0, epoch 4`.
    public var summary: String {
        "phase \(phase), \(runningServers)/\(clusterSize) running, healthy \(healthy)"
            + (clusterEpoch.map { ", epoch \($0)" } ?? "")
    }
}

/// One entry of `GET /members`.
public struct SchedulerMember: Decodable, Sendable, Hashable {
    public var name: String
    public var host: String?
    public var clientPort: Int?
    public var state: String?
    public var clientURL: String?

    /// True for a member whose task runs.
    public var isRunning: Bool { state?.lowercased() == "running" }

    /// The member's etcd client endpoint, from `clientURL` or `host:clientPort`.
    public var endpoint: String? {
        if let clientURL, !clientURL.isEmpty { return clientURL }
        guard let host, let clientPort else { return nil }
        return "http://\(host):\(clientPort)"
    }
}

/// The answer of `POST /restore` (202 and 409).
public struct RestoreAnswer: Codable, Sendable, Hashable {
    public var request: String?
    /// `accepted`, `alreadyInProgress` or `refused`.
    public var outcome: String
    public var message: String
}

/// Something the adapters must do. `handle` returns them in the order they must be carried out:
/// `persist` comes first, so state is stored before a launch or an acknowledgement.
public enum ClusterAction: Sendable, Equatable {
    case persist(PersistedClusterState)
    /// Accept the offer with one LAUNCH operation.
    case launch(MemberLaunch)
    case decline(OfferID, refuseSeconds: Double)
    case suppressOffers
    /// Un-suppress, and clear the refuse filters of earlier declines.
    case reviveOffers
    case kill(TaskID, agentID: AgentID?)
    case acknowledge(TaskID, agentID: AgentID?, acknowledgementID: String)
    /// RECONCILE; an empty list asks for implicit reconciliation.
    case reconcile([TaskToReconcile])
    /// `Cluster.MemberAdd` (as a learner when asked); answer with `memberAdded` or `memberOperationFailed`.
    /// Every etcd call names the members to send it to, in order: the leader first when known.
    case addMember(peerURL: String, asLearner: Bool, via: [MemberIdentity])
    /// `Cluster.MemberRemove`; answer with `memberRemoved` (also for "not found") or `memberOperationFailed`.
    case removeMember(EtcdMemberID, via: [MemberIdentity])
    /// `Cluster.MemberPromote`; answer with `memberPromoted` or `memberOperationFailed`.
    case promoteMember(EtcdMemberID, via: [MemberIdentity])
    /// Tell the task's executor to restart its etcd once with `--force-new-cluster`.
    case reseed(ReseedOrder)
    /// The answer to an operator request, for the admin API.
    case answer(OperatorAnswer)
    /// A line for the scheduler's log.
    case log(ReconcilerLogEntry)
}

/// A task to reconcile explicitly.
public struct TaskToReconcile: Sendable, Equatable {
    public var taskID: TaskID
    public var agentID: AgentID?

    public init(taskID: TaskID, agentID: AgentID?) {
        self.taskID = taskID
        self.agentID = agentID
    }
}

/// How a new etcd member starts.
public enum InitialClusterState: String, Sendable, Equatable, Codable {
    /// The first member of a new cluster.
    case new
    /// A member joining a cluster that already lists it.
    case existing
}

/// Everything needed to launch one etcd member on one offer.
public struct MemberLaunch: Sendable, Equatable {
    public var offerID: OfferID
    public var agentID: AgentID
    public var member: MemberIdentity
    public var taskID: TaskID { member.taskID }
    /// TaskInfo.name: the five-field string, so that the Mesos UI shows what the seed guides describe.
    public var taskName: String { member.taskID.rawValue }
    public var resources: TaskResources
    public var executorResources: TaskResources
    /// `--initial-cluster` entries, this member first; for `existing`, exactly etcd's membership after the add.
    public var initialCluster: [InitialClusterEntry]
    public var initialClusterState: InitialClusterState
    /// Bumped when a cluster is formed, reseeded or restored; goes into backup manifests and the cluster token.
    public var clusterEpoch: Int
    /// Restore this backup into the data directory before the first start (first member after total loss).
    public var restoreFromBackup: String?

    /// The `--initial-cluster` flag value, `name=peerURL,…`.
    public var initialClusterFlag: String {
        initialCluster.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
    }
}

/// One `name=peerURL` entry of `--initial-cluster`.
public struct InitialClusterEntry: Sendable, Equatable {
    public var name: String
    public var peerURL: String

    public init(name: String, peerURL: String) {
        self.name = name
        self.peerURL = peerURL
    }
}

/// The order to make one surviving member the seed of a new one-member cluster.
public struct ReseedOrder: Sendable, Equatable {
    public var member: MemberIdentity
    public var agentID: AgentID?
    public var taskID: TaskID { member.taskID }
    /// The epoch the reseeded cluster starts.
    public var clusterEpoch: Int
}

/// What the reconciler decided about an operator request; the admin API turns it into a response.
public struct OperatorAnswer: Sendable, Equatable {
    public enum Request: String, Sendable, Equatable {
        case reseed, restore, emptyStart
    }

    public enum Outcome: Sendable, Equatable {
        /// Started (admin API: 202).
        case accepted
        /// The same operation is already running (admin API: 202, nothing new started).
        case alreadyInProgress
        /// Not done; the reason says why and what to do (admin API: 409).
        case refused
    }

    public var request: Request
    public var outcome: Outcome
    public var message: String
}

/// A log line produced by a decision.
public struct ReconcilerLogEntry: Sendable, Equatable, CustomStringConvertible {
    public enum Level: String, Sendable, Equatable { case info, notice, warning, error }

    public var level: Level
    public var message: String

    public var description: String { "[\(level.rawValue)] \(message)" }
}

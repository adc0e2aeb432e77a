/// Something that happened, fed to `ClusterReconciler.handle(_:now:)` by the adapters.
public enum ClusterEvent: Sendable, Equatable {
    /// The Mesos subscription is up (first subscription, failover or re-subscription).
    case subscribed(frameworkID: FrameworkID)
    /// The Mesos subscription broke; outstanding offers are void.
    case disconnected
    /// The master removed the framework (failover timeout passed): every task is gone with it.
    case frameworkRemoved
    case offers([ResourceOffer])
    case offerRescinded(OfferID)
    case taskStatus(TaskStatusUpdate)
    /// A health probe of the etcd cluster.
    case clusterObserved(ClusterObservation)
    /// Result of `addMember`: the new member's ID and etcd's membership after the add.
    case memberAdded(peerURL: String, memberID: EtcdMemberID, members: [EtcdMember])
    /// Result of `removeMember`. A "member not found" answer is reported as this too.
    case memberRemoved(EtcdMemberID)
    /// Result of `promoteMember`.
    case memberPromoted(EtcdMemberID)
    /// An etcd membership call failed (no quorum, timeout, learner not yet in sync, …).
    case memberOperationFailed(MembershipOperation, reason: String)
    /// The executor of the task accepted the reseed order and restarted etcd with `--force-new-cluster`.
    case reseedFinished(TaskID)
    /// The reseed order could not be delivered or carried out.
    case reseedFailed(TaskID, reason: String)
    /// A backup of the cluster was stored.
    case backupCompleted(backupID: String, revision: Int64)
    /// Time passed; the adapter sends this about once a second.
    case tick
    /// `POST /reseed`.
    case operatorRequestedReseed
    /// `POST /restore`: after total loss, seed a new cluster from this backup.
    case operatorRequestedRestore(backupID: String)
    /// After total loss, start a new empty cluster (the data is given up).
    case operatorRequestedEmptyStart
}

/// An etcd membership change the reconciler asked for.
public enum MembershipOperation: Sendable, Equatable, CustomStringConvertible {
    case add(peerURL: String)
    case remove(EtcdMemberID)
    case promote(EtcdMemberID)

    public var description: String {
        switch self {
        case .add(let url): "member add \(url)"
        case .remove(let id): "member remove \(String(id, radix: 16))"
        case .promote(let id): "member promote \(String(id, radix: 16))"
        }
    }
}

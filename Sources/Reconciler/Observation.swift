/// One health probe of the etcd cluster, made by the adapter (etcd v3 `Maintenance.Status` on each member's
/// client URL, `Cluster.MemberList`, and optionally one linearizable read).
public struct ClusterObservation: Sendable, Equatable {
    /// The membership as one member reported it — preferably the leader; nil when no member answered.
    public var members: [EtcdMember]?
    /// One entry per probed task.
    public var probes: [MemberProbe]
    /// The result of a quorum operation (a linearizable read) if the probe made one.
    public var quorumConfirmed: Bool?

    public init(members: [EtcdMember]?, probes: [MemberProbe], quorumConfirmed: Bool? = nil) {
        self.members = members
        self.probes = probes
        self.quorumConfirmed = quorumConfirmed
    }
}

/// An entry of etcd's member list.
public struct EtcdMember: Sendable, Equatable, Hashable, Codable {
    public var id: EtcdMemberID
    /// Empty for a member that was added but has not started yet.
    public var name: String
    public var peerURLs: [String]
    public var isLearner: Bool

    public init(id: EtcdMemberID, name: String, peerURLs: [String], isLearner: Bool = false) {
        self.id = id
        self.name = name
        self.peerURLs = peerURLs
        self.isLearner = isLearner
    }
}

/// What the probe of one task's etcd found.
public struct MemberProbe: Sendable, Equatable {
    public var taskID: TaskID
    /// nil when the member did not answer.
    public var status: MemberStatus?

    public init(taskID: TaskID, status: MemberStatus?) {
        self.taskID = taskID
        self.status = status
    }

    public static func unreachable(_ taskID: TaskID) -> MemberProbe {
        MemberProbe(taskID: taskID, status: nil)
    }
}

/// A member's answer to `Maintenance.Status`, which it gives locally, without quorum.
public struct MemberStatus: Sendable, Equatable {
    public var memberID: EtcdMemberID
    /// The leader this member follows; 0 when it knows none.
    public var leaderID: EtcdMemberID
    public var raftIndex: UInt64
    public var raftTerm: UInt64
    /// `header.revision` of the member's store.
    public var revision: Int64
    public var isLearner: Bool
    /// Active alarms, e.g. `NOSPACE`.
    public var alarms: [String]

    public init(
        memberID: EtcdMemberID, leaderID: EtcdMemberID, raftIndex: UInt64, raftTerm: UInt64,
        revision: Int64,
        isLearner: Bool = false, alarms: [String] = []
    ) {
        self.memberID = memberID
        self.leaderID = leaderID
        self.raftIndex = raftIndex
        self.raftTerm = raftTerm
        self.revision = revision
        self.isLearner = isLearner
        self.alarms = alarms
    }
}

/// The verdict on one observation: does the cluster have a leader that a majority of voters follow?
///
/// This replaces the original's "raft index must move within 1 s" test, which calls an idle etcd v3
/// cluster stalled (docs/original-behaviour.md §6.2). Reachability and an agreed leader are what quorum means.
public struct HealthAssessment: Sendable, Equatable {
    public var hasQuorum: Bool
    public var leaderID: EtcdMemberID?
    /// Voting members in etcd's member list.
    public var voters: Int
    /// Voters that answered and follow `leaderID`.
    public var votersFollowingLeader: Int
    public var alarms: [String]

    /// Healthy is what `/stats` reports as `healthy`: quorum and no alarm.
    public var isHealthy: Bool { hasQuorum && alarms.isEmpty }

    /// Judges one observation.
    public static func assess(_ observation: ClusterObservation) -> HealthAssessment {
        let statuses = observation.probes.compactMap(\.status)
        let alarms = Array(Set(statuses.flatMap(\.alarms))).sorted()
        guard let members = observation.members else {
            return HealthAssessment(
                hasQuorum: false, leaderID: nil, voters: 0, votersFollowingLeader: 0, alarms: alarms
            )
        }
        let voterIDs = Set(members.filter { !$0.isLearner }.map(\.id))
        var following: [EtcdMemberID: Set<EtcdMemberID>] = [:]
        for status in statuses where voterIDs.contains(status.memberID) && status.leaderID != 0 {
            following[status.leaderID, default: []].insert(status.memberID)
        }
        let best = following.filter { voterIDs.contains($0.key) }.max {
            ($0.value.count, $1.key) < ($1.value.count, $0.key)
        }
        let agreeing = best?.value.count ?? 0
        let majority = voterIDs.count / 2 + 1
        let quorum =
            !voterIDs.isEmpty && agreeing >= majority && observation.quorumConfirmed != false
        return HealthAssessment(
            hasQuorum: quorum, leaderID: best?.key, voters: voterIDs.count,
            votersFollowingLeader: agreeing,
            alarms: alarms)
    }

    /// A human summary for logs and refusals.
    public var summary: String {
        let leader = leaderID.map { "leader \(String($0, radix: 16))" } ?? "no leader"
        let alarmText = alarms.isEmpty ? "" : ", alarms: \(alarms.joined(separator: ", "))"
        return
            "\(leader) followed by \(votersFollowingLeader) of \(voters) voting members\(alarmText)"
    }
}

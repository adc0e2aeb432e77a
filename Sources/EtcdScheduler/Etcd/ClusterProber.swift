import EtcdClient
import Logging
import Reconciler

/// The health probe the reconciler expects (docs/original-behaviour.md §6.2): `Maintenance.Status` on every member,
/// the member list from the member that leads, and one linearizable read through it, which only
/// succeeds when a quorum commits.
struct ClusterProber: Sendable {
    let pool: EtcdClientPool
    /// The key the quorum read reads; it need not exist.
    let quorumKey: String

    func observe(_ members: [MemberIdentity]) async -> ClusterObservation {
        let statuses = await withTaskGroup(of: (MemberIdentity, EtcdStatus?).self) { group in
            for member in members {
                group.addTask { (member, await Self.status(of: member, pool: pool)) }
            }
            var results: [(MemberIdentity, EtcdStatus?)] = []
            for await result in group { results.append(result) }
            return results
        }
        let probes = statuses.map { member, status in
            MemberProbe(taskID: member.taskID, status: status.map(Self.memberStatus))
        }
        // The member list and quorum read go through the leader when one reports itself; otherwise through
        // any member that answered, whose list is still the best available (and whose read will fail).
        let answering = statuses.filter { $0.1 != nil }
        let source = answering.first { $0.1?.isLeader == true } ?? answering.first
        guard let (via, _) = source, let client = try? pool.client(for: via.clientURL) else {
            return ClusterObservation(
                members: nil, probes: probes, quorumConfirmed: members.isEmpty ? nil : false)
        }
        let list = try? await client.memberList()
        let quorum = (try? await client.range(quorumKey)) != nil
        return ClusterObservation(
            members: list.map { $0.map(Self.member) }, probes: probes, quorumConfirmed: quorum)
    }

    /// `Maintenance.Status`, tried twice: swift-nio-http2 closes a connection that received many control
    /// frames (etcd answers messages with PINGs), and the first call after that fails while it reconnects.
    static func status(of member: MemberIdentity, pool: EtcdClientPool) async -> EtcdStatus? {
        for attempt in 0..<2 {
            if let status = try? await pool.client(for: member.clientURL).status() { return status }
            if attempt == 0 { try? await Task.sleep(for: .milliseconds(200)) }
        }
        return nil
    }

    static func memberStatus(_ status: EtcdStatus) -> MemberStatus {
        MemberStatus(
            memberID: status.memberID, leaderID: status.leader, raftIndex: status.raftIndex,
            raftTerm: status.raftTerm, revision: status.revision, isLearner: status.isLearner,
            alarms: status.errors)
    }

    static func member(_ member: EtcdClientMember) -> Reconciler.EtcdMember {
        Reconciler.EtcdMember(
            id: member.id, name: member.name, peerURLs: member.peerURLs, isLearner: member.isLearner
        )
    }
}

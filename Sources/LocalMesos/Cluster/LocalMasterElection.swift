import Foundation
import Logging
import MesosAPI
import MesosMasterDetection

/// How local masters agree on their leader: through ZooKeeper, as real masters contend (an ephemeral
/// sequential `json.info_` node each, the lowest sequence leads: src/master/contender/zookeeper.cpp,
/// src/master/detector/zookeeper.cpp), or, without ZooKeeper, in process by the same rule (`LocalMasterGroup`).
enum LocalMasterElection: Sendable {
    case zooKeeper(ZooKeeperMasterAddress)
    case inProcess(LocalMasterGroup)

    /// Contends as `info` and reports every leader detected (`nil`: none) to `leaderChanged`, until the task
    /// is cancelled; then leaves the election (its ZooKeeper session is closed, so its node goes at once).
    /// In process, `rank` orders the masters (the master's index: the first leads); ZooKeeper orders them by
    /// the sequence of their nodes.
    func contend(
        as info: MasterInfo, rank: Int, logger: Logger,
        leaderChanged: @escaping @Sendable (MasterInfo?) async -> Void
    ) async throws {
        switch self {
        case .zooKeeper(let address):
            try await ZooKeeperMasterRegistration.withRegistration(
                at: address, masterInfo: info, logger: logger
            ) { _ in
                try await MasterDetector(address: address, logger: logger).followLeaders {
                    await leaderChanged($0)
                }
            }
        case .inProcess(let group):
            let (member, leaders) = await group.join(info, rank: rank)
            for await leader in leaders { await leaderChanged(leader) }
            await group.leave(member)
        }
    }
}

/// The election of local masters started without ZooKeeper, by ZooKeeper's rule with the masters' order for
/// sequence numbers: the lowest rank still present leads. The first master leads; when it stops, the next.
actor LocalMasterGroup {
    private struct Member {
        var rank: Int
        var info: MasterInfo
        var leaders: AsyncStream<MasterInfo?>.Continuation
    }

    private var members: [Member] = []
    private var leader: MasterInfo?

    /// Joins as `info` with `rank`: returns the rank to leave with, and the leaders it detects (the current
    /// one first).
    func join(_ info: MasterInfo, rank: Int) -> (Int, AsyncStream<MasterInfo?>) {
        let (stream, continuation) = AsyncStream.makeStream(of: MasterInfo?.self)
        members.append(Member(rank: rank, info: info, leaders: continuation))
        members.sort { $0.rank < $1.rank }
        if !publish() { continuation.yield(leader) }
        return (rank, stream)
    }

    /// Leaves; the next member leads if this one did.
    func leave(_ rank: Int) {
        members.removeAll { member in
            guard member.rank == rank else { return false }
            member.leaders.finish()
            return true
        }
        publish()
    }

    /// Tells every member of a new leader; false when the leader did not change.
    @discardableResult
    private func publish() -> Bool {
        let current = members.first?.info
        guard current != leader else { return false }
        leader = current
        for member in members { member.leaders.yield(current) }
        return true
    }
}

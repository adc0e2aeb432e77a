import Foundation
import Logging
import MesosAPI
import Synchronization

/// Several local masters, like the masters of a Mesos cluster: they contend for leadership (through
/// ZooKeeper when given, else in process: the first leads), the leader serves, the others are standbys that
/// redirect to it. They share one `LocalMaster` state, standing in for the replicated registry and for
/// agents re-registering with a new leader; a framework subscribes again after a leader change, as on Mesos,
/// since its stream ends with the old leader.
///
/// A master can be restarted (`restart(_:after:)`): the old one stops as if killed, a new one with a new
/// `MasterInfo` serves the same address and contends again, behind the masters already contending (a new
/// ZooKeeper node has a higher sequence), as a restarted `mesos-master` process does.
final class LocalMasterSet: Sendable {
    /// The state every master serves while it leads.
    let shared: LocalMaster
    private let election: LocalMasterElection
    private let electionTimeout: Duration
    private let logger: Logger
    private let slots: Mutex<Slots>
    private let restarted: AsyncStream<Restarted>.Continuation
    private let restartedMasters: AsyncStream<Restarted>

    private struct Slots {
        /// The current master at each index.
        var masters: [EmbeddedMaster]
        /// The rank the next restarted master contends with (in process; ZooKeeper orders by its sequence).
        var nextRank: Int
    }

    /// A restarted master to serve, and its rank.
    private struct Restarted: Sendable {
        var master: EmbeddedMaster
        var rank: Int
    }

    /// Every master, by index (a restarted one in its predecessor's place).
    var masters: [EmbeddedMaster] { slots.withLock { $0.masters } }

    private init(
        shared: LocalMaster, masters: [EmbeddedMaster], election: LocalMasterElection,
        electionTimeout: Duration, logger: Logger
    ) {
        self.shared = shared
        self.election = election
        self.electionTimeout = electionTimeout
        self.logger = logger
        slots = Mutex(Slots(masters: masters, nextRank: masters.count))
        (restartedMasters, restarted) = AsyncStream.makeStream(of: Restarted.self)
    }

    /// Runs masters on `addresses` for the duration of `body`, which starts once one of them leads.
    static func withRunning<T: Sendable>(
        addresses: [(host: String, port: Int)], configuration: MasterConfiguration,
        zooKeeper: ZooKeeperMasterAddress?, logger: Logger,
        // A hang guard, not a measure: with every suite at once on two cores, starting a server and electing
        // in process has been seen to take more than 20 s (seen in the full suite; alone it takes milliseconds).
        electionTimeout: Duration = .seconds(120),
        _ body: @Sendable (LocalMasterSet) async throws -> T
    ) async throws -> T {
        var infos: [MasterInfo] = []
        for (index, address) in addresses.enumerated() {
            // The first master's ID is the configured one (it prefixes framework, agent and offer IDs).
            infos.append(
                try masterInfo(
                    id: index == 0 ? configuration.masterID : nil, host: address.host,
                    port: address.port))
        }
        let shared = LocalMaster(configuration: configuration, masterInfo: infos[0], logger: logger)
        let masters = zip(infos, addresses).map { info, address in
            EmbeddedMaster(
                master: shared, info: info, host: address.host, port: address.port, logger: logger)
        }
        let set = LocalMasterSet(
            shared: shared, masters: masters,
            election: zooKeeper.map(LocalMasterElection.zooKeeper)
                ?? .inProcess(LocalMasterGroup()),
            electionTimeout: electionTimeout, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await shared.run() }
            for (rank, master) in masters.enumerated() {
                group.addTask { await set.serve(master, rank: rank) }
            }
            group.addTask { await set.serveRestartedMasters() }
            let result: Result<T, any Error>
            do {
                try await set.waitForLeader()
                result = .success(try await body(set))
            } catch {
                result = .failure(error)
            }
            // All at once: stopped one by one, each would hand leadership to the next.
            let current = set.masters
            for master in current { master.requestStop() }
            for master in current { await master.stop() }
            set.restarted.finish()
            await shared.stop()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Stops master `index` as if its process were killed, waits `downtime`, then starts a new master on its
    /// address; returns the new master once a master leads and every master knows it.
    func restart(_ index: Int, after downtime: Duration) async throws -> EmbeddedMaster {
        let old = masters[index]
        await old.stop()
        try await Task.sleep(for: downtime)
        let fresh = EmbeddedMaster(
            master: shared, info: try Self.masterInfo(id: nil, host: old.host, port: old.port),
            host: old.host, port: old.port, logger: logger)
        let rank = slots.withLock { slots in
            slots.masters[index] = fresh
            defer { slots.nextRank += 1 }
            return slots.nextRank
        }
        restarted.yield(Restarted(master: fresh, rank: rank))
        try await waitForLeader()
        return fresh
    }

    private func serve(_ master: EmbeddedMaster, rank: Int) async {
        await master.serve(election: election, rank: rank, logger: logger)
    }

    /// Serves each restarted master until it stops; returns once the set stopped and they all did.
    private func serveRestartedMasters() async {
        await withTaskGroup(of: Void.self) { group in
            for await restarted in restartedMasters {
                group.addTask { await self.serve(restarted.master, rank: restarted.rank) }
            }
        }
    }

    private static func masterInfo(id: String?, host: String, port: Int) throws -> MasterInfo {
        guard
            let info = MasterInfo(
                id: id ?? UUID().uuidString.lowercased(), ipv4: host, port: port,
                version: "1.11.0")
        else {
            throw EmbeddedMasterError.invalidAddress(host: host, port: port)
        }
        return info
    }

    /// Returns once a master leads and every master knows it; throws when one cannot serve, or when that does
    /// not happen within the election timeout.
    private func waitForLeader() async throws {
        let deadline = ContinuousClock.now + electionTimeout
        while true {
            let masters = self.masters
            let leaders = Set(masters.map { $0.leadership.leader?.id })
            if leaders.count == 1, leaders.first! != nil, masters.contains(where: \.isLeading) {
                return
            }
            if let failure = masters.lazy.compactMap(\.failure).first {
                throw EmbeddedMasterError.masterFailed(failure)
            }
            guard ContinuousClock.now < deadline else {
                throw EmbeddedMasterError.noLeaderElected(
                    waited: electionTimeout, problems: masters.map { $0.failure ?? $0.progress })
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

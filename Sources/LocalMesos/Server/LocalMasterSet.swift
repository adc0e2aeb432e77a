import Foundation
import Logging
import MesosAPI

/// Several local masters, like the masters of a Mesos cluster: they contend for leadership (through
/// ZooKeeper when given, else in process: the first leads), the leader serves, the others are standbys that
/// redirect to it. They share one `LocalMaster` state, standing in for the replicated registry and for
/// agents re-registering with a new leader; a framework subscribes again after a leader change, as on Mesos,
/// since its stream ends with the old leader.
enum LocalMasterSet {
    /// Runs masters on `addresses` for the duration of `body`, which starts once one of them leads.
    static func withRunning<T: Sendable>(
        addresses: [(host: String, port: Int)], configuration: MasterConfiguration,
        zooKeeper: ZooKeeperMasterAddress?, logger: Logger,
        // A hang guard, not a measure: with every suite at once on two cores, starting a server and electing
        // in process has been seen to take more than 20 s (seen in the full suite; alone it takes milliseconds).
        electionTimeout: Duration = .seconds(120),
        _ body: @Sendable ([EmbeddedMaster]) async throws -> T
    ) async throws -> T {
        var infos: [MasterInfo] = []
        for (index, address) in addresses.enumerated() {
            // The first master's ID is the configured one (it prefixes framework, agent and offer IDs).
            let id = index == 0 ? configuration.masterID : UUID().uuidString.lowercased()
            guard
                let info = MasterInfo(
                    id: id, ipv4: address.host, port: address.port, version: "1.11.0")
            else {
                throw EmbeddedMasterError.invalidAddress(host: address.host, port: address.port)
            }
            infos.append(info)
        }
        let shared = LocalMaster(configuration: configuration, masterInfo: infos[0], logger: logger)
        let masters = zip(infos, addresses).map { info, address in
            EmbeddedMaster(
                master: shared, info: info, host: address.host, port: address.port, logger: logger)
        }
        let election =
            zooKeeper.map(LocalMasterElection.zooKeeper) ?? .inProcess(LocalMasterGroup())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await shared.run() }
            for (rank, master) in masters.enumerated() {
                group.addTask { await master.serve(election: election, rank: rank, logger: logger) }
            }
            let result: Result<T, any Error>
            do {
                try await waitForLeader(among: masters, timeout: electionTimeout)
                result = .success(try await body(masters))
            } catch {
                result = .failure(error)
            }
            // All at once: stopped one by one, each would hand leadership to the next.
            for master in masters { master.requestStop() }
            for master in masters { await master.stop() }
            await shared.stop()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Returns once a master leads and every master knows it; throws when one cannot serve, or when that does
    /// not happen within `timeout`.
    private static func waitForLeader(among masters: [EmbeddedMaster], timeout: Duration)
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        func settled() -> Bool {
            let leaders = Set(masters.map { $0.leadership.leader?.id })
            return leaders.count == 1 && leaders.first! != nil
                && masters.contains(where: \.isLeading)
        }
        while !settled() {
            if let failure = masters.lazy.compactMap(\.failure).first {
                throw EmbeddedMasterError.masterFailed(failure)
            }
            guard ContinuousClock.now < deadline else {
                throw EmbeddedMasterError.noLeaderElected(
                    waited: timeout, problems: masters.map { $0.failure ?? $0.progress })
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

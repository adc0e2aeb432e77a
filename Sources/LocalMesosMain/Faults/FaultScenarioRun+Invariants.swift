import EtcdClient
import Foundation
import Logging
import Support

/// What must hold after each round: N healthy members, every acknowledged write readable, writes going on,
/// never more tasks than members.
extension FaultScenarioRun {
    /// Waits until the scheduler reports `N` running members and a healthy cluster and etcd agrees (`N`
    /// started voters); the instant it did.
    func waitForHealthy(
        _ scheduler: FaultScheduler, avoiding lostHosts: [String], timeout: Duration
    ) async -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        var logger = Logger(label: "fault-probe")
        logger.logLevel = .critical
        while ContinuousClock.now < deadline {
            if let stats = try? await scheduler.stats(),
                stats["running_servers"] as? Int == scenario.clusterSize,
                stats["healthy"] as? Int == 1,
                case let urls = await scheduler.runningClientURLs(),
                !urls.contains(where: { lostHosts.contains(URL(string: $0)?.host ?? "") }),
                let first = urls.first,
                let list = try? await EtcdClient.withClient(
                    endpoint: first, callTimeout: .seconds(2), logger: logger,
                    { try await $0.memberList() }),
                list.count == scenario.clusterSize,
                list.allSatisfy({ !$0.isLearner && !$0.name.isEmpty })
            {
                return .now
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// Reads every key of the writer's prefix (linearizable) and counts the expected acknowledged writes it
    /// lacks. After a total loss, the writes after the backup are given up (none of them may be there).
    func checkWrites(
        scheduler: FaultScheduler, writer: AcknowledgedWriter, backupRevision: Int64?,
        firstWriteAfterBackup: Int?
    ) async throws -> Int {
        let acknowledged = writer.writes
        let fresh = shared.consumed.withLock { consumed in
            defer { consumed = acknowledged.count }
            return acknowledged.dropFirst(consumed)
        }
        shared.expected.withLock { expected in
            for write in fresh { expected[write.index] = write.revision }
        }
        var logger = Logger(label: "fault-reader")
        logger.logLevel = .critical
        // A read may meet a leader change right after the cluster is healthy again: retried for 30 s.
        var present: [EtcdKeyValue] = []
        var served: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                guard let endpoint = await scheduler.runningClientURLs().first else {
                    throw FaultSuiteError("no running member to read from")
                }
                (present, _, served) = try await EtcdClient.withClient(
                    endpoint: endpoint, callTimeout: .seconds(20), logger: logger
                ) { client in
                    try await client.range(prefix: writer.prefix)
                }
                break
            } catch {
                if ContinuousClock.now >= deadline { throw error }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let found = Dictionary(
            present.map { (String(decoding: $0.key, as: UTF8.self), $0.modRevision) },
            uniquingKeysWith: { first, _ in first })
        var lost = 0
        try shared.expected.withLock { expected throws in
            if let backupRevision {
                // The restore brings back the snapshot: the cluster (the writer paused) serves its revision,
                // which is at least the manifest's (the member's revision when the snapshot began; writes in
                // its first moments may be in it). Every acknowledged write up to it must be there, none after.
                guard served >= backupRevision else {
                    throw FaultSuiteError(
                        "the restored cluster serves revision \(served), below the backup's \(backupRevision)"
                    )
                }
                for (index, revision) in expected where revision > served {
                    expected[index] = nil
                }
                if let firstWriteAfterBackup,
                    let restored = found.keys.compactMap({ Int($0.dropFirst(writer.prefix.count)) })
                        .first(
                            where: { $0 >= firstWriteAfterBackup })
                {
                    throw FaultSuiteError(
                        "\(writer.key(restored)), issued after the backup was complete, is there after the restore"
                    )
                }
            }
            lost = expected.keys.filter { found[writer.key($0)] == nil }.count
        }
        return lost
    }

    func writerProgresses(_ writer: AcknowledgedWriter) async -> Bool {
        let before = writer.writes.count
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if writer.writes.count >= before + 10 { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Samples `/members` twice a second: never more running tasks than members, never two tasks of one name.
    static func monitor(_ scheduler: FaultScheduler, size: Int, shared: Shared) async {
        while !Task.isCancelled {
            if let members = try? await scheduler.members() {
                let running = members.filter { $0["state"] as? String == "running" }
                let names = members.compactMap { $0["name"] as? String }
                var seen: [String] = []
                if running.count > size {
                    seen.append("\(running.count) running tasks for \(size) members")
                }
                if Set(names).count != names.count {
                    seen.append("two tasks for one member: \(names.sorted())")
                }
                if !seen.isEmpty {
                    shared.breaches.withLock { list in
                        for breach in seen where !list.contains(breach) { list.append(breach) }
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Synchronization
import Testing

@Suite("Backup service: one backup at a time, schedule, freshness")
struct BackupServiceTests {
    @Test("a backup requested while one runs is refused at once with the running backup's ID")
    func singleFlight() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                try await writeKeys(
                    count: 50, valueBytes: 2_000, prefix: "k/", to: cluster.members[0].clientURL)
                let gate = FirstChunkGate()
                defer { gate.open() }
                let service = try makeService(
                    directory: backups, cluster: cluster, progress: gate.observer)
                async let first = service.takeBackup()
                let runningID = try await gate.firstChunkReached()

                await #expect {
                    try await service.takeBackup(trigger: .periodic)
                } throws: { error in
                    guard case BackupServiceError.alreadyRunning(let running) = error else {
                        return false
                    }
                    return running.id == runningID && running.trigger == .manual
                        && running.bytesReceived > 0
                }
                #expect(await service.statistics.running?.id == runningID)
                gate.open()

                let manifest = try await first
                #expect(manifest.id == runningID)
                #expect(try BackupStore(directory: backups).list().map(\.id) == [runningID])
                // The refusal is not a failure, and the next request runs.
                let statistics = await service.statistics
                #expect(
                    statistics.successes == 1 && statistics.failures == 0
                        && statistics.running == nil)
                let second = try await service.takeBackup()
                #expect(second.id != runningID)
            }
        }
    }

    @Test(
        "the schedule takes backups every interval until cancelled, and retention prunes behind it")
    func periodicBackups() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let endpoint = cluster.members[0].clientURL
                let reported = Mutex<[String]>([])
                let service = try makeService(
                    directory: backups, cluster: cluster, interval: .milliseconds(300),
                    retention: RetentionPolicy(keepNewest: 2),
                    onSuccess: { manifest in reported.withLock { $0.append(manifest.id) } })
                let schedule = Task { await service.run() }
                defer { schedule.cancel() }
                for round in 0..<3 {
                    // A write between backups gives each a new revision (and so a new ID).
                    _ = try await EtcdClient.withClient(endpoint: endpoint) {
                        try await $0.put("scheduled/\(round)", value: "v")
                    }
                    let successes = round + 1
                    try await eventually(timeout: .seconds(20), "\(successes) scheduled backups") {
                        await service.statistics.successes >= successes
                    }
                }
                schedule.cancel()
                await schedule.value
                let listed = try BackupStore(directory: backups).list()
                #expect(listed.count == 2, "retention keeps the newest 2: \(listed.map(\.id))")
                #expect(listed.map(\.createdAt) == listed.map(\.createdAt).sorted(by: >))
                let statistics = await service.statistics
                #expect(reported.withLock { $0.count } == statistics.successes)
                #expect(reported.withLock { $0.last } == listed.first?.id)
                #expect(
                    statistics.lastSuccessAt != nil
                        && statistics.lastArchiveSize == listed.first?.archiveSize)
                #expect(
                    statistics.metricSamples["etcd_mesos_backup_successes_total"]
                        == Double(statistics.successes))
                // Judged at a fixed time (one interval after the newest backup), not whenever this line runs:
                // a loaded machine can take longer than 2 × 300 ms to get here.
                let newest = try #require(listed.first)
                #expect(
                    await service.health(now: newest.createdAt.addingTimeInterval(0.3)) == .healthy)
            }
        }
    }

    @Test(
        "freshness: degraded once the newest backup is older than twice the interval; off when periodic is off"
    )
    func freshness() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let interval = Duration.seconds(600)
                let service = try makeService(
                    directory: backups, cluster: cluster, interval: interval)
                let start = Date()
                #expect(await service.health(now: start) == .healthy)
                guard
                    case .degraded(let reason) = await service.health(
                        now: start.addingTimeInterval(1201))
                else {
                    Issue.record("no backup for 2 × interval after start is not degraded")
                    return
                }
                #expect(reason.contains("no backup"))

                let manifest = try await service.takeBackup()
                #expect(
                    await service.health(now: manifest.createdAt.addingTimeInterval(1199))
                        == .healthy)
                let stale = await service.health(now: manifest.createdAt.addingTimeInterval(1201))
                #expect(stale.isDegraded)
                #expect("\(stale)".contains(manifest.id))

                // A restarted service judges by the newest backup on disk.
                let restarted = try makeService(
                    directory: backups, cluster: cluster, interval: interval)
                #expect(await restarted.statistics.newestBackupID == manifest.id)
                #expect(
                    await restarted.health(now: manifest.createdAt.addingTimeInterval(1201))
                        .isDegraded)

                let manual = try makeService(directory: backups, cluster: cluster, interval: nil)
                #expect(
                    await manual.health(now: manifest.createdAt.addingTimeInterval(1e6))
                        == .disabled)
            }
        }
    }

    @Test("a failed attempt is counted and reported; the next success clears the error")
    func failureStatistics() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let member = cluster.members[0]
                let service = try makeService(
                    directory: backups, cluster: cluster, callTimeout: .seconds(2))
                await cluster.stop(member)
                await #expect {
                    try await service.takeBackup()
                } throws: { error in
                    if case BackupError.noSourceAvailable = error { return true }
                    return false
                }
                var statistics = await service.statistics
                #expect(statistics.failures == 1 && statistics.consecutiveFailures == 1)
                #expect(statistics.lastError?.contains("no etcd member") == true)
                #expect(try filesIn(backups) == [])

                try await cluster.restart(member)
                _ = try await service.takeBackup()
                statistics = await service.statistics
                #expect(
                    statistics.failures == 1 && statistics.consecutiveFailures == 0
                        && statistics.lastError == nil)
            }
        }
    }

    @Test(
        "statistics encode as flat snake_case JSON for /stats, with nulls for what has not happened"
    )
    func statisticsJSON() throws {
        var statistics = BackupStatistics(interval: .seconds(1800))
        statistics.successes = 2
        statistics.lastSuccessAt = Date(timeIntervalSince1970: 1_706_745_599.5)
        statistics.lastDuration = .milliseconds(1500)
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(statistics))
                as? [String: Any])
        #expect(object["successes"] as? Int == 2)
        #expect(object["interval_seconds"] as? Double == 1800)
        #expect(object["last_success_at"] as? String == "2024-01-31T23:59:59.500Z")
        #expect(object["last_duration_seconds"] as? Double == 1.5)
        #expect(object["last_error"] is NSNull)
        #expect(object["running"] is NSNull)
        #expect(
            statistics.metricSamples["etcd_mesos_backup_last_success_timestamp_seconds"]
                == 1_706_745_599.5)
        #expect(statistics.metricSamples["etcd_mesos_backup_last_archive_bytes"] == nil)
    }
}

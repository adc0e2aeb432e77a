import Backup
import Foundation
import Reconciler
import Testing

@testable import EtcdScheduler

/// `/metrics` as Prometheus reads it: counts that only grow are counters named `…_total`, values
/// that also go down are gauges.
@Suite("/metrics: counters for counts, gauges for levels")
struct MetricsExportTests {
    /// A contributor that hands the backup service's samples over, as `BackupStatus` does.
    struct BackupSamples: AdminStatusContributor {
        var statistics: BackupStatistics
        func statsFields() async -> [String: StatsBody.Value] { [:] }
        func degradedReasons() async -> [String] { [] }
        func metricSamples() async -> [String: Double] { statistics.metricSamples }
    }

    static func stats(launched: Int, failed: Int) throws -> ClusterStats {
        let json = """
            {"running_servers": 3, "launched_servers": \(launched), "failed_servers": \(failed),
             "cluster_livelocks": 1, "cluster_reseeds": 2, "healthy": 1, "cluster_size": 3,
             "pending_servers": 0, "phase": "running", "awaiting_operator": 0, "cluster_epoch": 4,
             "last_known_revision": 1234}
            """
        return try JSONDecoder().decode(ClusterStats.self, from: Data(json.utf8))
    }

    static var backupStatistics: BackupStatistics {
        var statistics = BackupStatistics(interval: .seconds(1800))
        statistics.successes = 5
        statistics.failures = 2
        statistics.consecutiveFailures = 1
        return statistics
    }

    /// Metric name → its `# TYPE`.
    static func types(_ text: String) -> [String: String] {
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
        }
        return types
    }

    /// Metric name → its sample value.
    static func values(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    func render(launched: Int = 7, failed: Int = 3) async throws -> String {
        let backups = BackupSamples(statistics: Self.backupStatistics)
        let extras: [any AdminStatusContributor] = [backups]
        return await SchedulerMetrics().render(
            stats: try Self.stats(launched: launched, failed: failed), extras: extras)
    }

    @Test("the scheduler's counts are counters named …_total, with the /stats values")
    func schedulerCounters() async throws {
        let text = try await render()
        let types = Self.types(text)
        let values = Self.values(text)
        let counters = [
            "etcd_mesos_launched_servers_total": 7.0, "etcd_mesos_failed_servers_total": 3,
            "etcd_mesos_cluster_livelocks_total": 1, "etcd_mesos_cluster_reseeds_total": 2,
        ]
        for (name, value) in counters {
            #expect(types[name] == "counter", "\(name) in\n\(text)")
            #expect(values[name] == value, "\(name)")
        }
        for old in ["launched_servers", "failed_servers", "cluster_livelocks", "cluster_reseeds"] {
            #expect(types["etcd_mesos_\(old)"] == nil, "the gauge etcd_mesos_\(old) is gone")
        }
    }

    @Test("levels stay gauges")
    func schedulerGauges() async throws {
        let text = try await render()
        let types = Self.types(text)
        let values = Self.values(text)
        let gauges = [
            "etcd_mesos_running_servers": 3.0, "etcd_mesos_healthy": 1,
            "etcd_mesos_cluster_size": 3,
            "etcd_mesos_pending_servers": 0, "etcd_mesos_awaiting_operator": 0,
            "etcd_mesos_cluster_epoch": 4, "etcd_mesos_last_known_revision": 1234,
        ]
        for (name, value) in gauges {
            #expect(types[name] == "gauge", "\(name) in\n\(text)")
            #expect(values[name] == value, "\(name)")
        }
    }

    @Test("the backup service's counts are counters; its consecutive failures and times are gauges")
    func backupSamples() async throws {
        let text = try await render()
        let types = Self.types(text)
        let values = Self.values(text)
        #expect(types["etcd_mesos_backup_successes_total"] == "counter")
        #expect(values["etcd_mesos_backup_successes_total"] == 5)
        #expect(types["etcd_mesos_backup_failures_total"] == "counter")
        #expect(values["etcd_mesos_backup_failures_total"] == 2)
        #expect(types["etcd_mesos_backup_consecutive_failures"] == "gauge")
        #expect(values["etcd_mesos_backup_consecutive_failures"] == 1)
        #expect(types["etcd_mesos_backup_interval_seconds"] == "gauge")
        #expect(types["etcd_mesos_backup_running"] == "gauge")
    }

    @Test("every counter ends in _total and every …_total is a counter")
    func namingRule() async throws {
        let types = Self.types(try await render())
        #expect(!types.isEmpty)
        for (name, type) in types {
            #expect((type == "counter") == name.hasSuffix("_total"), "\(name) is a \(type)")
        }
    }

    @Test("each scrape reports the current counts, not a sum over scrapes")
    func scrapesDoNotAccumulate() async throws {
        _ = try await render(launched: 7, failed: 3)
        let values = Self.values(try await render(launched: 8, failed: 3))
        #expect(values["etcd_mesos_launched_servers_total"] == 8)
        #expect(values["etcd_mesos_failed_servers_total"] == 3)
        #expect(values["etcd_mesos_backup_successes_total"] == 5)
    }
}

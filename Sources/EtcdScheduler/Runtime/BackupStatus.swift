import Backup
import Foundation

/// Backup freshness for `/stats` (`backup_*` fields), `/metrics` and a degraded `/healthz`.
struct BackupStatus: AdminStatusContributor {
    let service: BackupService

    func statsFields() async -> [String: StatsBody.Value] {
        let statistics = await service.statistics
        var fields: [String: StatsBody.Value] = [
            "backup_successes": .number(Double(statistics.successes)),
            "backup_failures": .number(Double(statistics.failures)),
            "backup_consecutive_failures": .number(Double(statistics.consecutiveFailures)),
            "backup_running": .number(statistics.running == nil ? 0 : 1),
        ]
        fields["backup_last_success_at"] =
            statistics.lastSuccessAt.map { .text(BackupTimestamp.iso8601($0)) } ?? .null
        fields["backup_last_duration_seconds"] =
            statistics.lastDuration.map { .number($0.seconds) } ?? .null
        fields["backup_last_archive_bytes"] =
            statistics.lastArchiveSize.map { .number(Double($0)) } ?? .null
        fields["backup_newest_id"] = statistics.newestBackupID.map { .text($0) } ?? .null
        fields["backup_last_error"] = statistics.lastError.map { .text($0) } ?? .null
        fields["backup_interval_seconds"] = statistics.interval.map { .number($0.seconds) } ?? .null
        if statistics.drillInterval != nil || statistics.lastDrill != nil {
            fields["backup_drills_passed"] = .number(Double(statistics.drillsPassed))
            fields["backup_drills_failed"] = .number(Double(statistics.drillsFailed))
            let last = statistics.lastDrill
            fields["backup_last_drill_id"] = last.map { .text($0.backupID) } ?? .null
            fields["backup_last_drill_passed"] =
                last.map { .number($0.drill.passed ? 1 : 0) } ?? .null
            fields["backup_last_drill_at"] =
                last.map { .text(BackupTimestamp.iso8601($0.drill.at)) } ?? .null
            fields["backup_last_drill_seconds"] = last.map { .number($0.drill.seconds) } ?? .null
            fields["backup_last_drill_keys"] =
                last?.drill.keys.map { .number(Double($0)) } ?? .null
            fields["backup_last_drill_error"] = last?.drill.reason.map { .text($0) } ?? .null
        }
        if let store = statistics.store {
            fields["backup_store"] = .text(store.location)
            fields["backup_store_uploads"] = .number(Double(store.uploads))
            fields["backup_store_upload_failures"] = .number(Double(store.uploadFailures))
            fields["backup_store_retries"] = .number(Double(store.retries))
            fields["backup_store_pending_uploads"] = .number(Double(store.pending))
            fields["backup_store_backups"] = .number(Double(store.storedBackups))
            fields["backup_store_foreign_objects"] = .number(Double(store.foreignObjects.count))
            fields["backup_store_last_error"] = store.lastError.map { .text($0) } ?? .null
        }
        return fields
    }

    func degradedReasons() async -> [String] {
        if case .degraded(let reason) = await service.health() { return ["backups: \(reason)"] }
        return []
    }

    func metricSamples() async -> [String: Double] {
        await service.statistics.metricSamples
    }
}

import Foundation

/// The backup in progress.
public struct RunningBackup: Sendable, Hashable {
    /// The ID the backup will have; `nil` for the few milliseconds before the source member has answered.
    public var id: String?
    public var trigger: BackupTrigger
    public var startedAt: Date
    public var bytesReceived: UInt64
    /// The stream's announced size; 0 until it is known.
    public var bytesTotal: UInt64
}

/// Backup freshness and outcomes since the service started, for `/stats`, `/metrics` and `/healthz`.
public struct BackupStatistics: Sendable, Hashable {
    /// Periodic interval; `nil` when periodic backups are off.
    public var interval: Duration?
    /// When the newest backup in the directory was taken (also ones from before this process started).
    public var newestBackupAt: Date?
    public var newestBackupID: String?
    /// When this process last finished a backup successfully.
    public var lastSuccessAt: Date?
    /// How long that backup took (stream, compress, write, fsync).
    public var lastDuration: Duration?
    public var lastArchiveSize: UInt64?
    public var lastDatabaseSize: UInt64?
    public var successes: Int = 0
    public var failures: Int = 0
    /// Failures since the last success; 0 after a success.
    public var consecutiveFailures: Int = 0
    public var lastFailureAt: Date?
    /// The last failure's message; stays until the next success.
    public var lastError: String?
    public var running: RunningBackup?
    /// The object store's side, when one is configured.
    public var store: BackupStoreStatistics?
    /// The last restore drill: which backup, and how it went.
    public var lastDrill: LastDrill?
    public var drillsPassed: Int = 0
    public var drillsFailed: Int = 0
    /// When a drill last passed (this process).
    public var lastDrillPassedAt: Date?
    /// The interval of periodic drills, if on.
    public var drillInterval: Duration?

    public struct LastDrill: Sendable, Hashable, Encodable {
        public var backupID: String
        public var drill: BackupDrill

        enum CodingKeys: String, CodingKey {
            case backupID = "backup_id"
            case drill
        }
    }

    /// Nothing has happened yet.
    public init(interval: Duration? = nil) {
        self.interval = interval
    }

    /// Prometheus samples, name → value; absent values are left out. Counts that only grow while
    /// the service runs end in `_total` and are exported as counters; the rest (also
    /// `consecutive_failures`, which a success resets) are gauges.
    public var metricSamples: [String: Double] {
        var samples: [String: Double] = [
            "etcd_mesos_backup_successes_total": Double(successes),
            "etcd_mesos_backup_failures_total": Double(failures),
            "etcd_mesos_backup_consecutive_failures": Double(consecutiveFailures),
            "etcd_mesos_backup_running": running == nil ? 0 : 1,
        ]
        samples["etcd_mesos_backup_newest_timestamp_seconds"] =
            newestBackupAt?.timeIntervalSince1970
        samples["etcd_mesos_backup_last_success_timestamp_seconds"] =
            lastSuccessAt?.timeIntervalSince1970
        samples["etcd_mesos_backup_last_duration_seconds"] = lastDuration?.seconds
        samples["etcd_mesos_backup_last_archive_bytes"] = lastArchiveSize.map(Double.init)
        samples["etcd_mesos_backup_last_db_bytes"] = lastDatabaseSize.map(Double.init)
        samples["etcd_mesos_backup_interval_seconds"] = interval?.seconds
        if let store { samples.merge(store.metricSamples) { first, _ in first } }
        if drillInterval != nil || lastDrill != nil {
            samples["etcd_mesos_backup_drills_passed_total"] = Double(drillsPassed)
            samples["etcd_mesos_backup_drills_failed_total"] = Double(drillsFailed)
        }
        if let lastDrill {
            samples["etcd_mesos_backup_last_drill_passed"] = lastDrill.drill.passed ? 1 : 0
            samples["etcd_mesos_backup_last_drill_seconds"] = lastDrill.drill.seconds
            samples["etcd_mesos_backup_last_drill_timestamp_seconds"] =
                lastDrill.drill.at.timeIntervalSince1970
        }
        return samples
    }
}

extension BackupStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case intervalSeconds = "interval_seconds"
        case newestBackupAt = "newest_backup_at"
        case newestBackupID = "newest_backup_id"
        case lastSuccessAt = "last_success_at"
        case lastDurationSeconds = "last_duration_seconds"
        case lastArchiveSize = "last_archive_bytes"
        case lastDatabaseSize = "last_db_bytes"
        case successes, failures
        case consecutiveFailures = "consecutive_failures"
        case lastFailureAt = "last_failure_at"
        case lastError = "last_error"
        case running, store
        case lastDrill = "last_drill"
        case drillsPassed = "drills_passed"
        case drillsFailed = "drills_failed"
    }

    /// Flat snake_case JSON for `/stats`, times in ISO 8601 UTC; absent values are `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(interval?.seconds, forKey: .intervalSeconds)
        try container.encode(newestBackupAt.map(BackupTimestamp.iso8601), forKey: .newestBackupAt)
        try container.encode(newestBackupID, forKey: .newestBackupID)
        try container.encode(lastSuccessAt.map(BackupTimestamp.iso8601), forKey: .lastSuccessAt)
        try container.encode(lastDuration?.seconds, forKey: .lastDurationSeconds)
        try container.encode(lastArchiveSize, forKey: .lastArchiveSize)
        try container.encode(lastDatabaseSize, forKey: .lastDatabaseSize)
        try container.encode(successes, forKey: .successes)
        try container.encode(failures, forKey: .failures)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(lastFailureAt.map(BackupTimestamp.iso8601), forKey: .lastFailureAt)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(running, forKey: .running)
        try container.encodeIfPresent(store, forKey: .store)
        try container.encode(lastDrill, forKey: .lastDrill)
        try container.encode(drillsPassed, forKey: .drillsPassed)
        try container.encode(drillsFailed, forKey: .drillsFailed)
    }
}

extension RunningBackup: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, trigger
        case startedAt = "started_at"
        case bytesReceived = "bytes_received"
        case bytesTotal = "bytes_total"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(BackupTimestamp.iso8601(startedAt), forKey: .startedAt)
        try container.encode(bytesReceived, forKey: .bytesReceived)
        try container.encode(bytesTotal, forKey: .bytesTotal)
    }
}

/// Whether backups are fresh enough: degraded when the newest good backup is older than twice the interval.
public enum BackupHealth: Sendable, Hashable, CustomStringConvertible {
    case healthy
    /// Periodic backups are off, so no freshness is expected.
    case disabled
    case degraded(reason: String)

    public var isDegraded: Bool {
        if case .degraded = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .healthy: return "healthy"
        case .disabled: return "periodic backups are off"
        case .degraded(let reason): return "degraded: \(reason)"
        }
    }
}

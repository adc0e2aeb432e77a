import Foundation

/// The object store's side of the backups, for `/stats`, `/metrics` and `/healthz`.
public struct BackupStoreStatistics: Sendable, Hashable {
    /// `s3://bucket/prefix`.
    public var location: String
    /// Backups uploaded (archive checked, sidecar up) by this process.
    public var uploads = 0
    /// Upload rounds that failed; the backups stay local and are uploaded again.
    public var uploadFailures = 0
    /// Requests tried again after a transient failure.
    public var retries = 0
    /// Local backups not in the store yet.
    public var pending = 0
    /// Backups listed in the store.
    public var storedBackups = 0
    /// Keys under the prefix that are not a complete backup (never read as one, never deleted).
    public var foreignObjects: [String] = []
    public var lastUploadAt: Date?
    public var lastFailureAt: Date?
    /// The last failure's message; cleared by the next successful upload.
    public var lastError: String?

    public init(location: String) {
        self.location = location
    }

    /// Degraded while a backup waits for its upload after a failure, or the last store operation failed.
    public var problem: String? {
        if pending > 0, let lastError {
            return "\(pending) backup(s) not in the object store \(location) yet: \(lastError)"
        }
        if let lastError { return "the object store \(location): \(lastError)" }
        return nil
    }

    /// Prometheus samples, name → value.
    public var metricSamples: [String: Double] {
        var samples: [String: Double] = [
            "etcd_mesos_backup_store_uploads_total": Double(uploads),
            "etcd_mesos_backup_store_upload_failures_total": Double(uploadFailures),
            "etcd_mesos_backup_store_retries_total": Double(retries),
            "etcd_mesos_backup_store_pending_uploads": Double(pending),
            "etcd_mesos_backup_store_backups": Double(storedBackups),
            "etcd_mesos_backup_store_foreign_objects": Double(foreignObjects.count),
        ]
        samples["etcd_mesos_backup_store_last_upload_timestamp_seconds"] =
            lastUploadAt?.timeIntervalSince1970
        return samples
    }
}

extension BackupStoreStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case location, uploads, retries, pending
        case uploadFailures = "upload_failures"
        case storedBackups = "stored_backups"
        case foreignObjects = "foreign_objects"
        case lastUploadAt = "last_upload_at"
        case lastFailureAt = "last_failure_at"
        case lastError = "last_error"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(location, forKey: .location)
        try container.encode(uploads, forKey: .uploads)
        try container.encode(uploadFailures, forKey: .uploadFailures)
        try container.encode(retries, forKey: .retries)
        try container.encode(pending, forKey: .pending)
        try container.encode(storedBackups, forKey: .storedBackups)
        try container.encode(foreignObjects, forKey: .foreignObjects)
        try container.encode(lastUploadAt.map(BackupTimestamp.iso8601), forKey: .lastUploadAt)
        try container.encode(lastFailureAt.map(BackupTimestamp.iso8601), forKey: .lastFailureAt)
        try container.encode(lastError, forKey: .lastError)
    }
}

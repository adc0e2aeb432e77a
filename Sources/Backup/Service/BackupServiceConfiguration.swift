import Foundation

/// What the scheduler's `-backup-*` flags set, in the terms the backup service uses.
public struct BackupServiceConfiguration: Sendable, Hashable {
    /// Where archives and sidecars go; created if missing.
    public var directory: String
    /// Time between periodic backups; `nil` or zero turns periodic backups off (`POST /backups` still works).
    public var interval: Duration?
    public var retention: RetentionPolicy
    public var compression: BackupCompression
    /// After a failed periodic attempt, the next one comes after this (or the interval, if shorter).
    public var retryAfterFailure: Duration
    /// The deadline of each status call, and the longest a snapshot stream may stay silent.
    public var callTimeout: Duration
    /// Recorded in manifests, e.g. `etcd-mesos 0.1.0`.
    public var toolVersion: String
    /// With an object store: how many of the newest stored backups keep a local copy (for fast restores);
    /// backups not uploaded yet are always kept.
    public var cachedBackups: Int
    /// Time between restore drills of the newest backup; nil turns periodic drills off
    /// (`POST /backups/{id}/drill` still works when a drill runner is given).
    public var drillInterval: Duration?

    public init(
        directory: String,
        interval: Duration? = .seconds(30 * 60),
        retention: RetentionPolicy = RetentionPolicy(keepNewest: 48),
        compression: BackupCompression = .standard,
        retryAfterFailure: Duration = .seconds(60),
        callTimeout: Duration = .seconds(10),
        toolVersion: String = "etcd-mesos",
        cachedBackups: Int = 2,
        drillInterval: Duration? = nil
    ) {
        self.directory = directory
        self.interval = interval.flatMap { $0 > .zero ? $0 : nil }
        self.retention = retention
        self.compression = compression
        self.retryAfterFailure = retryAfterFailure
        self.callTimeout = callTimeout
        self.toolVersion = toolVersion
        self.cachedBackups = max(1, cachedBackups)
        self.drillInterval = drillInterval.flatMap { $0 > .zero ? $0 : nil }
    }
}

/// Why the backup service did not take a backup.
public enum BackupServiceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Another backup is running (HTTP 409); it carries that backup's ID once known.
    case alreadyRunning(RunningBackup)
    /// A restore drill runs (HTTP 409): no backup or other drill beside it.
    case drillRunning(backupID: String)
    /// The service was built without a drill runner.
    case drillsUnavailable

    public var description: String {
        switch self {
        case .drillRunning(let id):
            return "a restore drill of backup \(id) is running; try again when it is done"
        case .drillsUnavailable:
            return "restore drills are not available in this process"
        case .alreadyRunning(let running):
            let started = BackupTimestamp.iso8601(running.startedAt)
            if let id = running.id {
                return "backup \(id) is being taken (\(running.trigger), started \(started)); "
                    + "fetch it from /backups/\(id) when it is done"
            }
            return
                "a backup is being taken (\(running.trigger), started \(started)); try again when it is done"
        }
    }
}

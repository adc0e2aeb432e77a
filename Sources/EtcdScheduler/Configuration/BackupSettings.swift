import Foundation
import ObjectStore
import Support

/// The backup schedule and retention the flags `-backup-*` ask for.
public struct BackupSettings: Sendable, Equatable {
    /// `-backup-dir`: where archives and their manifests are written.
    public var directory: String
    /// `-backup-interval`: time between periodic snapshots; `nil` when periodic backups are off (`0`).
    public var interval: Duration?
    /// `-backup-retention`.
    public var retention: BackupRetention
    /// `-backup-compression-level`: a zstd level in `BackupCompression.levels`.
    public var compressionLevel: Int
    /// `-backup-store*`: the object store that is the backups' home, if any.
    public var store: BackupStoreSettings?
    /// `-restore-drill-interval`: time between restore drills; `nil` when periodic drills are off (`0`).
    public var drillInterval: Duration?

    public init(
        directory: String, interval: Duration?, retention: BackupRetention, compressionLevel: Int,
        store: BackupStoreSettings? = nil, drillInterval: Duration? = nil
    ) {
        self.drillInterval = drillInterval
        self.directory = directory
        self.interval = interval
        self.retention = retention
        self.compressionLevel = compressionLevel
        self.store = store
    }
}

/// Where in an object store the backups live, and how to reach it. The credentials are read at start
/// (from the file, else the environment), never kept in the settings.
public struct BackupStoreSettings: Sendable, Equatable {
    public var location: S3Location
    public var endpoint: S3Endpoint
    public var region: String
    /// `-backup-store-credentials-file`; nil: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    public var credentialsFile: String?
    /// `-backup-encryption-key-file`: archives go up encrypted with this key.
    public var encryptionKeyFile: String?

    public init(
        location: S3Location, endpoint: S3Endpoint, region: String, credentialsFile: String?,
        encryptionKeyFile: String? = nil
    ) {
        self.location = location
        self.endpoint = endpoint
        self.region = region
        self.credentialsFile = credentialsFile
        self.encryptionKeyFile = encryptionKeyFile
    }

    /// The credentials, from the file or the environment; a clear error when there are none.
    public func credentials(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ObjectStoreError) -> S3Credentials
    {
        if let credentialsFile { return try S3Credentials.load(file: credentialsFile) }
        guard let credentials = S3Credentials.fromEnvironment(environment) else {
            throw .badConfiguration(
                "-backup-store needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    + "or give -backup-store-credentials-file")
        }
        return credentials
    }
}

/// Which backups to keep: the newest `keepNewest`, and/or those younger than `keepWithin`. A backup is
/// kept when any given rule keeps it. Whatever the rules, the newest verified backup is never deleted,
/// and nothing is deleted while the newest attempt failed (issue #6). The default is
/// `SchedulerDefaults.backupRetention`.
public struct BackupRetention: Sendable, Equatable, CustomStringConvertible {
    public var keepNewest: Int?
    public var keepWithin: Duration?

    public init(keepNewest: Int?, keepWithin: Duration?) {
        self.keepNewest = keepNewest
        self.keepWithin = keepWithin
    }

    /// Parses `10` (the newest 10), `7d` or `72h` (by age), or both comma-separated (`10,7d`).
    public init?(parsing text: String) {
        var newest: Int?
        var within: Duration?
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        for part in parts {
            let part = String(part).trimmingCharacters(in: .whitespaces)
            if let count = Int(part) {
                guard count >= 1, newest == nil else { return nil }
                newest = count
            } else if part.contains(where: \.isLetter), let age = GoDuration.parse(part),
                age > .zero
            {
                guard within == nil else { return nil }
                within = age
            } else {
                return nil
            }
        }
        keepNewest = newest
        keepWithin = within
    }

    /// `10,7d`-style, as the flag takes it.
    public var description: String {
        var parts: [String] = []
        if let keepNewest { parts.append("\(keepNewest)") }
        if let keepWithin {
            let seconds = keepWithin.components.seconds
            parts.append(
                seconds % 86400 == 0 && keepWithin.components.attoseconds == 0
                    ? "\(seconds / 86400)d" : GoDuration.format(keepWithin))
        }
        return parts.joined(separator: ",")
    }
}

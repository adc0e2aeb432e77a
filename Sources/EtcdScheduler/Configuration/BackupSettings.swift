import Foundation

/// The backup schedule and retention the flags `-backup-*` ask for.
public struct BackupSettings: Sendable, Equatable {
    /// `-backup-dir`: where archives and their manifests are written.
    public var directory: String
    /// `-backup-interval`: time between periodic snapshots; `nil` when periodic backups are off (`0`).
    public var interval: Duration?
    /// `-backup-retention`.
    public var retention: BackupRetention
    /// `-backup-compression-level`: the zstd level (1 fastest … 19 smallest).
    public var compressionLevel: Int

    public static let defaultInterval = Duration.seconds(30 * 60)
    /// zstd level 1: the backup benchmark meets its goals (≤ 1.2× etcdctl, ≤ 64 MB) at 1, not at 3 (7 % larger archives).
    public static let defaultCompressionLevel = 1
    public static let compressionLevels = 1...19

    public init(directory: String, interval: Duration?, retention: BackupRetention, compressionLevel: Int) {
        self.directory = directory
        self.interval = interval
        self.retention = retention
        self.compressionLevel = compressionLevel
    }
}

/// Which backups to keep: the newest `keepNewest`, and/or those younger than `keepWithin`. A backup is
/// kept when any given rule keeps it. Whatever the rules, the newest verified backup is never deleted,
/// and nothing is deleted while the newest attempt failed (issue #6).
public struct BackupRetention: Sendable, Equatable, CustomStringConvertible {
    public var keepNewest: Int?
    public var keepWithin: Duration?

    /// The default: the newest 48 (a day at the default 30 min interval).
    public static let standard = BackupRetention(keepNewest: 48, keepWithin: nil)

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
            } else if part.contains(where: \.isLetter), let age = GoValueSyntax.duration(part), age > .zero {
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
                    ? "\(seconds / 86400)d" : GoValueSyntax.format(keepWithin))
        }
        return parts.joined(separator: ",")
    }
}

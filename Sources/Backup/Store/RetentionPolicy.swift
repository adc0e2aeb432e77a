import Foundation

/// Which backups to keep: the newest `keepNewest`, and/or those younger than `keepWithin`; a backup is kept when
/// any rule given keeps it, and every backup is kept when no rule is given.
///
/// Two guards hold whatever the rules say: the newest backup (every listed backup passed etcd's hash check while
/// it was written, so the newest is the newest verified one) is never deleted, and nothing is deleted while the
/// newest attempt failed: pruning then could leave only stale backups, or none, just when they matter most.
public struct RetentionPolicy: Sendable, Hashable, CustomStringConvertible {
    public var keepNewest: Int?
    public var keepWithin: Duration?

    /// No rule: keep everything.
    public static let keepAll = RetentionPolicy(keepNewest: nil, keepWithin: nil)

    public init(keepNewest: Int? = nil, keepWithin: Duration? = nil) {
        self.keepNewest = keepNewest.map { max($0, 1) }
        self.keepWithin = keepWithin
    }

    /// The backups the policy deletes from `backups` (in any order) at `now`.
    public func backupsToDelete(
        from backups: [BackupManifest], now: Date, newestAttemptFailed: Bool
    ) -> [BackupManifest] {
        guard !newestAttemptFailed, keepNewest != nil || keepWithin != nil else { return [] }
        let newestFirst = BackupStore.newestFirst(backups)
        return newestFirst.enumerated().filter { index, backup in
            if index == 0 { return false }
            if let keepNewest, index < keepNewest { return false }
            if let keepWithin, now.timeIntervalSince(backup.createdAt) <= keepWithin.seconds {
                return false
            }
            return true
        }.map(\.element)
    }

    public var description: String {
        var rules: [String] = []
        if let keepNewest { rules.append("the newest \(keepNewest)") }
        if let keepWithin { rules.append("those younger than \(keepWithin.seconds) s") }
        return rules.isEmpty ? "keep all" : "keep " + rules.joined(separator: " and ")
    }
}

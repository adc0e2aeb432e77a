import Foundation

/// Which backups to keep.
///
/// Periodic backups (and those whose manifest does not say, written before the trigger was recorded) are kept by
/// the rules: the newest `keepNewest`, and/or those younger than `keepWithin`; a backup is kept when any rule given
/// keeps it. Manual backups (`POST /backups`) are counted apart and only the newest `keepManual` of them are kept,
/// so asking for backups, however often, never pushes the periodic history out. With no rule at all, everything
/// is kept.
///
/// Two guards hold whatever the rules say: the newest backup (every listed backup passed etcd's hash check while
/// it was written, so the newest is the newest verified one) is never deleted, manual or not, and nothing is
/// deleted while the newest attempt failed: pruning then could leave only stale backups, or none, just when they
/// matter most.
public struct RetentionPolicy: Sendable, Hashable, CustomStringConvertible {
    public var keepNewest: Int?
    public var keepWithin: Duration?
    /// How many manual backups are kept; `nil` keeps them all.
    public var keepManual: Int?

    /// The manual backups kept unless told otherwise.
    public static let defaultKeepManual = 10

    /// No rule: keep everything.
    public static let keepAll = RetentionPolicy(keepNewest: nil, keepWithin: nil, keepManual: nil)

    public init(
        keepNewest: Int? = nil, keepWithin: Duration? = nil,
        keepManual: Int? = RetentionPolicy.defaultKeepManual
    ) {
        self.keepNewest = keepNewest.map { max($0, 1) }
        self.keepWithin = keepWithin
        self.keepManual = keepManual.map { max($0, 1) }
    }

    /// The backups the policy deletes from `backups` (in any order) at `now`.
    public func backupsToDelete(
        from backups: [BackupManifest], now: Date, newestAttemptFailed: Bool
    ) -> [BackupManifest] {
        guard !newestAttemptFailed else { return [] }
        let newestFirst = BackupStore.newestFirst(backups)
        guard let newest = newestFirst.first else { return [] }
        let manual = newestFirst.filter { $0.trigger == .manual }
        let periodic = newestFirst.filter { $0.trigger != .manual }
        let doomed = doomedPeriodic(periodic, now: now) + doomedManual(manual)
        return doomed.filter { $0.id != newest.id }
    }

    private func doomedPeriodic(_ newestFirst: [BackupManifest], now: Date) -> [BackupManifest] {
        guard keepNewest != nil || keepWithin != nil else { return [] }
        return newestFirst.enumerated().filter { index, backup in
            if index == 0 { return false }
            if let keepNewest, index < keepNewest { return false }
            if let keepWithin, now.timeIntervalSince(backup.createdAt) <= keepWithin.seconds {
                return false
            }
            return true
        }.map(\.element)
    }

    private func doomedManual(_ newestFirst: [BackupManifest]) -> [BackupManifest] {
        guard let keepManual else { return [] }
        return Array(newestFirst.dropFirst(keepManual))
    }

    public var description: String {
        var rules: [String] = []
        if let keepNewest { rules.append("the newest \(keepNewest)") }
        if let keepWithin { rules.append("those younger than \(keepWithin.seconds) s") }
        var text = rules.isEmpty ? "keep all periodic" : "keep " + rules.joined(separator: " and ")
        text += keepManual.map { "; the newest \($0) manual" } ?? "; every manual one"
        return text
    }
}

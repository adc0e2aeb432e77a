import Foundation

/// Restore drills: a backup restored into a throwaway etcd beside the scheduler proves that it restores. One at
/// a time, never beside a backup; the outcome goes into the backup's sidecar (locally and in the store).
extension BackupService {
    /// Drills backup `id` now (fetching it from the store first if only there) and returns its sidecar with
    /// the drill recorded. Throws `BackupServiceError` at once when a backup or another drill runs.
    public func drill(_ id: String) async throws -> BackupManifest {
        guard let drillRunner else { throw BackupServiceError.drillsUnavailable }
        if let running = running { throw BackupServiceError.alreadyRunning(running) }
        if let drilling = drillingID { throw BackupServiceError.drillRunning(backupID: drilling) }
        let id = try BackupID.validate(id)
        drillingID = id
        defer { drillingID = nil }
        let entry = try await localEntry(id: id)
        logger.info("restore drill started", metadata: ["id": "\(id)"])
        let drill = await drillRunner(entry.archivePath, entry.manifest)
        var manifest = entry.manifest
        manifest.drill = drill
        try DurableFile.writeAtomically(
            try manifest.encoded(), to: store.path(id + BackupID.sidecarSuffix))
        if let remote { await remote.recordDrill(drill, of: id) }
        // A backup newer than any this service took or listed (copied in by an operator) is the newest now.
        if stats.newestBackupAt.map({ manifest.createdAt > $0 }) ?? true {
            stats.newestBackupAt = manifest.createdAt
            stats.newestBackupID = manifest.id
        }
        recordDrill(drill, of: id)
        return manifest
    }

    private func recordDrill(_ drill: BackupDrill, of id: String) {
        stats.lastDrill = .init(backupID: id, drill: drill)
        if drill.passed {
            stats.drillsPassed += 1
            stats.lastDrillPassedAt = drill.at
            logger.notice(
                "restore drill passed",
                metadata: [
                    "id": "\(id)", "seconds": "\(drill.seconds)", "keys": "\(drill.keys ?? -1)",
                    "revision": "\(drill.revision ?? -1)",
                ])
        } else {
            stats.drillsFailed += 1
            logger.error(
                "restore drill FAILED: the backup does not restore",
                metadata: ["id": "\(id)", "reason": "\(drill.reason ?? "?")"])
        }
    }

    /// Every `interval`, drills the newest backup unless a drill of it is younger than the interval.
    func drillPeriodically(every interval: Duration) async {
        var due = ContinuousClock.now + interval
        while !Task.isCancelled {
            do { try await Task.sleep(until: due, tolerance: .seconds(1)) } catch { return }
            due = ContinuousClock.now + interval
            guard let newest = try? await listing().first else { continue }
            if let last = newest.drill, Date().timeIntervalSince(last.at) < interval.seconds {
                continue
            }
            if running != nil {
                due = ContinuousClock.now + .seconds(10)  // after the backup
                continue
            }
            _ = try? await drill(newest.id)
        }
    }

    /// Why drills make backups degraded: the newest backup failed its drill, or periodic drills are on and
    /// none passed within two intervals (of the last pass, or of this service's start).
    func drillProblem(now: Date) -> String? {
        if let last = stats.lastDrill, !last.drill.passed, last.backupID == stats.newestBackupID {
            return "the newest backup \(last.backupID) failed its restore drill: "
                + (last.drill.reason ?? "no reason given")
        }
        guard let interval = stats.drillInterval else { return nil }
        let since = stats.lastDrillPassedAt ?? startedAt
        let waited = now.timeIntervalSince(since)
        guard waited > (interval * 2).seconds else { return nil }
        return stats.lastDrillPassedAt == nil
            ? "no restore drill has passed in the \(Int(waited)) s since the scheduler started, more than "
                + "twice the drill interval (\(Int(interval.seconds)) s)"
            : "the last restore drill that passed was \(Int(waited)) s ago, more than twice the drill "
                + "interval (\(Int(interval.seconds)) s)"
    }
}

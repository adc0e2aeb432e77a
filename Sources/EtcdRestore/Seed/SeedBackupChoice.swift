import Backup
import Foundation

/// Which of the scheduler's backups a `seed` argument names, checked before the scheduler is asked for anything
/// that changes state. A local archive is verified before the scheduler is contacted at all: a broken archive is
/// the first thing to hear about, whatever state the scheduler is in.
///
/// A local archive file is verified in full and must be a backup the scheduler holds (same ID, same bytes): the
/// scheduler restores from its own copy, and uploading is deliberately not part of the contract. A backup ID
/// is looked up on the scheduler.
struct SeedBackupChoice: Sendable {
    /// The scheduler's manifest of the backup to seed from.
    var manifest: BackupManifest
    /// The local archive that was verified, if the argument was one.
    var verifiedArchive: String?
    /// Warnings `--force` turned from refusals into notes.
    var forcedPast: [String]

    static func resolve(
        _ argument: String, api: SchedulerAPI, force: Bool, console: Console
    ) async throws(RestoreFailure) -> SeedBackupChoice {
        var forcedPast: [String] = []
        let held: BackupManifest
        let verifiedArchive: String?
        let backups: [BackupManifest]
        if FileManager.default.fileExists(atPath: argument) {
            let archive = try LocalArchive(path: argument)
            console.progress("verifying \(argument)…")
            let local = try await archive.verify().manifest
            console.result("verified \(argument): backup \(local.id), revision \(local.revision)")
            console.event(VerifiedEvent(archive: argument, id: local.id, revision: local.revision))
            backups = try await api.backups()
            guard let match = backups.first(where: { $0.id == local.id }) else {
                throw .notOnScheduler(id: local.id, archive: argument, scheduler: api.baseURL)
            }
            if let theirs = match.archiveSHA256, let ours = local.archiveSHA256, theirs != ours {
                let refusal = RestoreFailure.schedulerCopyDiffers(
                    id: local.id, archive: argument, localSHA256: ours, schedulerSHA256: theirs)
                guard force else { throw refusal }
                forcedPast.append("\(refusal)")
            }
            held = match
            verifiedArchive = argument
        } else {
            if argument.contains("/") || argument.hasSuffix(BackupID.archiveSuffix) {
                throw .notAFile(path: argument, reason: "no such file")
            }
            do { _ = try BackupID.validate(argument) } catch {
                throw .notABackup(argument: argument, reason: "no such file, and \(error)")
            }
            held = try await api.manifest(id: argument)
            backups = try await api.backups()
            verifiedArchive = nil
        }
        let stats = try await api.stats()
        if let cluster = schedulerCluster(stats: stats, backups: backups, excluding: held.id),
            cluster != held.clusterName
        {
            let refusal = RestoreFailure.wrongCluster(
                backup: held.id, backupCluster: held.clusterName, schedulerCluster: cluster)
            guard force else { throw refusal }
            forcedPast.append("\(refusal)")
        }
        for note in forcedPast { console.warning("--force: going ahead although \(note)") }
        return SeedBackupChoice(
            manifest: held, verifiedArchive: verifiedArchive, forcedPast: forcedPast)
    }

    /// The cluster the scheduler runs: from `/stats` where it says, otherwise the cluster of its newest other
    /// backup (a scheduler's backup directory holds its own cluster's backups).
    static func schedulerCluster(
        stats: SchedulerStats, backups: [BackupManifest], excluding id: String
    ) -> String? {
        if let name = stats.clusterName, !name.isEmpty { return name }
        return backups.first { $0.id != id }?.clusterName
    }
}

/// `--json` event: a local archive verified.
struct VerifiedEvent: Encodable {
    var event = "verified"
    var archive: String
    var id: String
    var revision: Int64
}

import Foundation
import Testing

@testable import Backup

/// The scheduler's start-up scan (`BackupStore.prepare()`) and archives written before the manifest came first.
@Suite("Start-up scan quarantine and archives of the older layout")
struct StartupQuarantineTests {
    let snapshot = SyntheticSnapshot(databaseBytes: 3000, seed: 5)

    @Test(
        "the start-up scan quarantines an archive it cannot read (damaged, or an I/O error) instead of deleting it"
    )
    func unreadableArchivesAreQuarantined() async throws {
        try await withBackupDirectory { backups, _ in
            let good = try await writeSyntheticBackup(snapshot, in: backups)
            let bytes = try Data(
                contentsOf: URL(fileURLWithPath: "\(backups)/\(good.archiveFileName)"))
            // A damaged archive without its sidecar (a crash between the renames, then a bad disk).
            let damaged = "hostile-20250101T000001Z-r8.tar.zst"
            var flipped = bytes
            flipped[flipped.count / 2] ^= 0xff
            try flipped.write(to: URL(fileURLWithPath: "\(backups)/\(damaged)"))
            // An archive whose read fails with an I/O error (EISDIR: a directory where the file should be).
            let failing = "hostile-20250101T000002Z-r9.tar.zst"
            try FileManager.default.createDirectory(
                atPath: "\(backups)/\(failing)", withIntermediateDirectories: false)
            try Data("inside".utf8).write(to: URL(fileURLWithPath: "\(backups)/\(failing)/file"))

            let report = try BackupStore(directory: backups).prepare()
            #expect(report.quarantinedArchives.map(\.name).sorted() == [damaged, failing])
            let reasons = Dictionary(
                uniqueKeysWithValues: report.quarantinedArchives.map { ($0.name, $0.reason) })
            #expect(reasons[failing]?.contains("Is a directory") == true, "\(reasons)")
            #expect(reasons[damaged]?.isEmpty == false)
            // Nothing deleted: both are in quarantine, byte for byte; the good backup is untouched and listed.
            let quarantine = "\(backups)/quarantine"
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: "\(quarantine)/\(damaged)")) == flipped)
            #expect(FileManager.default.fileExists(atPath: "\(quarantine)/\(failing)/file"))
            #expect(try BackupStore(directory: backups).list() == [good])
            #expect(
                try filesIn(backups) == [
                    good.archiveFileName, good.archiveFileName + ".json", "quarantine",
                ])

            // A second quarantine of the same name keeps the first.
            try flipped.write(to: URL(fileURLWithPath: "\(backups)/\(damaged)"))
            let again = try BackupStore(directory: backups).prepare()
            #expect(again.quarantinedArchives.map(\.movedTo) == ["\(quarantine)/\(damaged).2"])
            #expect(FileManager.default.fileExists(atPath: "\(quarantine)/\(damaged)"))
        }
    }

    @Test(
        "a listed archive cut short is quarantined with its sidecar; one whose sidecar is garbage gets a new one"
    )
    func listedArchivesWithBadSizeOrSidecar() async throws {
        try await withBackupDirectory { backups, _ in
            let cut = try await writeSyntheticBackup(snapshot, in: backups, clusterName: "cut")
            let kept = try await writeSyntheticBackup(snapshot, in: backups, clusterName: "kept")
            let cutPath = "\(backups)/\(cut.archiveFileName)"
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cutPath))
            try handle.truncate(atOffset: try fileSize(cutPath) - 10)
            try handle.close()
            let keptSidecar = "\(backups)/\(kept.archiveFileName).json"
            try Data("not json".utf8).write(to: URL(fileURLWithPath: keptSidecar))

            let report = try BackupStore(directory: backups).prepare()
            #expect(report.recoveredArchives == [kept.archiveFileName])
            #expect(report.quarantinedArchives.map(\.name) == [cut.archiveFileName])
            #expect(report.quarantinedArchives.first?.reason.contains("truncated") == true)
            let quarantine = "\(backups)/quarantine"
            #expect(
                try filesIn(quarantine) == [cut.archiveFileName, cut.archiveFileName + ".json"])
            #expect(try BackupStore(directory: backups).list().map(\.id) == [kept.id])
        }
    }

    @Test(
        "an archive of the older layout (database first) is read with its sidecar's db_size, refused without"
    )
    func databaseFirstLayout() async throws {
        try await withBackupDirectory { _, scratch in
            var tar = HostileTar()
            tar.add("snapshot.db", snapshot.snapshot)
            tar.add("manifest.json", try manifestJSON(for: snapshot))
            tar.end()
            let bytes = try zstdFrame(tar.bytes)
            let path = scratch + "/old.tar.zst"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            var sidecar = try BackupManifest.decode(Data(try manifestJSON(for: snapshot)))
            sidecar.archiveSize = UInt64(bytes.count)

            let verified = try BackupArchiveReader(path: path).verify(against: sidecar)
            #expect(verified.manifest.dbSHA256 == snapshot.sha256)
            let told = try BackupArchiveReader(path: path).verify(
                databaseSize: UInt64(snapshot.database.count))
            #expect(told.manifest.dbSize == UInt64(snapshot.database.count))
            #expect(throws: BackupArchiveError.databaseBeforeManifest(path: path)) {
                try BackupArchiveReader(path: path).verify()
            }
            // The sidecar's size caps the database as the manifest would: a lie is refused at the header.
            sidecar.dbSize = 100
            let (error, _, _) = try await refuseArchive(bytes, sidecar: sidecar)
            guard case .entrySizeMismatch = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
        }
    }
}

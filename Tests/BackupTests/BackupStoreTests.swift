import Backup
import EtcdMesosTesting
import Foundation
import Testing

@Suite("Backup directory: listing, lookup, crash leftovers")
struct BackupStoreTests {
    @Test("leftover temp files of a crashed run are never listed and are removed at start")
    func leftoversRemovedAtStart() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let first = try await makeService(directory: backups, cluster: cluster).takeBackup()
                // What a scheduler killed mid-snapshot leaves: a partial archive, and a partial sidecar.
                let partialArchive =
                    "\(backups)/.test-cluster-20240101T000000Z-r9.tar.zst.1a2b3c4d.partial"
                let partialSidecar = "\(backups)/.\(first.archiveFileName).json.5e6f7a8b.partial"
                try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: partialArchive))
                try Data("{\"id\":".utf8).write(to: URL(fileURLWithPath: partialSidecar))

                #expect(try BackupStore(directory: backups).list().map(\.id) == [first.id])
                let restarted = try makeService(directory: backups, cluster: cluster)
                #expect(
                    try filesIn(backups) == [
                        first.archiveFileName, first.archiveFileName + ".json",
                    ])
                #expect(try restarted.store.list().map(\.id) == [first.id])
            }
        }
    }

    @Test(
        "an archive whose sidecar was never written is verified and listed again; a broken one is quarantined"
    )
    func orphanedArchives() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let service = try makeService(directory: backups, cluster: cluster)
                let kept = try await service.takeBackup()
                try await writeKeys(
                    count: 1, valueBytes: 10, prefix: "x/", to: cluster.members[0].clientURL)
                let broken = try await service.takeBackup()
                // A crash between the archive's rename and the sidecar's: no sidecar.
                try FileManager.default.removeItem(
                    atPath: "\(backups)/\(kept.archiveFileName).json")
                try FileManager.default.removeItem(
                    atPath: "\(backups)/\(broken.archiveFileName).json")
                let brokenPath = "\(backups)/\(broken.archiveFileName)"
                let handle = try FileHandle(forUpdating: URL(fileURLWithPath: brokenPath))
                try handle.truncate(atOffset: try fileSize(brokenPath) / 2)
                try handle.close()
                #expect(try BackupStore(directory: backups).list().isEmpty)

                let report = try BackupStore(directory: backups).prepare()
                #expect(report.recoveredArchives == [kept.archiveFileName])
                #expect(report.quarantinedArchives.map(\.name) == [broken.archiveFileName])
                #expect(
                    FileManager.default.fileExists(
                        atPath: "\(backups)/quarantine/\(broken.archiveFileName)"))
                let listed = try BackupStore(directory: backups).list()
                #expect(listed == [kept])
            }
        }
    }

    @Test(
        "IDs that could address other files are refused; unknown IDs are not found",
        arguments: [
            "../etc/passwd", "..", "a/b", "/etc/passwd", ".hidden", "", "x%2F..", "name with space",
            "a\\b",
        ])
    func invalidIDs(id: String) async throws {
        try await withBackupDirectory { backups, _ in
            #expect {
                try BackupStore(directory: backups).entry(id: id)
            } throws: { error in
                if case BackupStoreError.invalidID = error { return true }
                return false
            }
        }
    }

    @Test("an unknown ID is not found; a damaged sidecar is skipped, not fatal to the listing")
    func unknownAndDamaged() async throws {
        try await withBackupDirectory { backups, _ in
            let store = BackupStore(directory: backups)
            #expect(throws: BackupStoreError.notFound(id: "c-20240101T000000Z-r1")) {
                try store.entry(id: "c-20240101T000000Z-r1")
            }
            try Data().write(to: URL(fileURLWithPath: "\(backups)/c-20240101T000000Z-r2.tar.zst"))
            try Data("{not json".utf8).write(
                to: URL(fileURLWithPath: "\(backups)/c-20240101T000000Z-r2.tar.zst.json"))
            try Data("unrelated".utf8).write(to: URL(fileURLWithPath: "\(backups)/notes.txt"))
            #expect(try store.list().isEmpty)
            #expect(try store.unreadableManifests().count == 1)
        }
    }

    @Test("IDs name the cluster, the UTC time and the revision, and stay file-safe")
    func idFormat() throws {
        let date = Date(timeIntervalSince1970: 1_706_745_599)  // 2024-01-31T23:59:59Z
        #expect(
            BackupID.make(clusterName: "prod", createdAt: date, revision: 42)
                == "prod-20240131T235959Z-r42")
        #expect(
            BackupID.make(clusterName: "a/b c", createdAt: date, revision: 1, collision: 2)
                == "a_b_c-20240131T235959Z-r1-2")
        #expect(BackupID.make(clusterName: "../x", createdAt: date, revision: 1).hasPrefix("__"))
        #expect(try BackupID.validate("prod-20240131T235959Z-r42") == "prod-20240131T235959Z-r42")
    }

    @Test("manifest times are whole milliseconds and survive encode/decode round trips exactly")
    func timestamps() throws {
        for seconds in [
            0.0, 1_706_745_599.9995, 1_706_745_599.1234, 1_700_000_000.001, 1_700_000_000.999,
        ] {
            let date = BackupTimestamp.rounded(Date(timeIntervalSince1970: seconds))
            let text = BackupTimestamp.iso8601(date)
            let parsed = try #require(BackupTimestamp.parseISO8601(text))
            #expect(parsed == date)
            #expect(BackupTimestamp.iso8601(parsed) == text)
        }
        #expect(
            BackupTimestamp.iso8601(Date(timeIntervalSince1970: 1_706_745_599.5))
                == "2024-01-31T23:59:59.500Z")
        #expect(
            BackupTimestamp.parseISO8601("2024-01-31T23:59:59Z")
                == Date(timeIntervalSince1970: 1_706_745_599))
        #expect(BackupTimestamp.parseISO8601("yesterday") == nil)
    }
}

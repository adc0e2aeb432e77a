import Backup
import EtcdMesosTesting
import Foundation
import Testing

/// The `etcd-mesos-restore` binary, run as a process against real backups of a real etcd: what it prints, how
/// it exits, and what it leaves on disk. The tests live in extensions of this suite, one file per subcommand.
@Suite(.backupFixture)
struct RestoreCLITests {
    @Test("list <dir> prints a table of the backups, newest first")
    func listDirectoryTable() async throws {
        let fixture = try BackupFixture.require()
        let result = try await runRestoreCLI(["list", fixture.directory])
        #expect(result.exitCode == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3, "\(result)")
        for column in [
            "ID", "CREATED (UTC)", "REVISION", "DB SIZE", "ARCHIVE SIZE", "CLUSTER", "EPOCH",
            "DRILL",
        ] {
            #expect(lines[0].contains(column))
        }
        #expect(lines[1].hasPrefix(fixture.newer.id + " "))
        #expect(lines[2].hasPrefix(fixture.older.id + " "))
        let newerCells = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(
            String.init)
        #expect(newerCells.contains("\(fixture.newer.revision)"))
        #expect(newerCells.contains(BackupFixture.clusterName))
        #expect(newerCells.suffix(2) == ["2", "-"], "epoch 2, never drilled")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("list <dir> --json prints the manifests as the scheduler's GET /backups does")
    func listDirectoryJSON() async throws {
        let fixture = try BackupFixture.require()
        let result = try await runRestoreCLI(["list", fixture.directory, "--json"])
        #expect(result.exitCode == 0, "\(result)")
        let listed =
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        let manifests = try #require(listed, "\(result)")
        #expect(manifests.map { $0["id"] as? String } == [fixture.newer.id, fixture.older.id])
        #expect(manifests.first?["revision"] as? Int == Int(fixture.newer.revision))
        #expect(manifests.first?["archive_sha256"] as? String == fixture.newer.archiveSHA256)
        #expect(manifests.first?["cluster_name"] as? String == BackupFixture.clusterName)
    }

    @Test("list of a missing directory names it and exits 1")
    func listMissingDirectory() async throws {
        let scratch = try TemporaryDirectory(prefix: "restore-list")
        defer { scratch.remove() }
        let result = try await runRestoreCLI(["list", scratch.appending("nowhere")])
        #expect(result.exitCode == 1, "\(result)")
        #expect(
            result.stderr.contains("\(scratch.appending("nowhere")): no such directory"),
            "\(result)")
        #expect(!FileManager.default.fileExists(atPath: scratch.appending("nowhere")))
    }
}

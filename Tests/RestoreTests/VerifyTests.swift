import Backup
import EtcdMesosTesting
import Foundation
import Testing

extension RestoreCLITests {
    @Test(
        "verify of a good archive reports every check and etcd's snapshot status, and leaves no temporary file"
    )
    func verifyGoodArchive() async throws {
        let fixture = try BackupFixture.require()
        let scratch = try TemporaryDirectory(prefix: "restore-verify")
        defer { scratch.remove() }
        let result = try await runRestoreCLI(
            ["verify", fixture.newerArchive], temporaryDirectory: scratch.path)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("sidecar \(fixture.newerArchive).json"), "\(result)")
        #expect(
            result.stdout.contains("archive SHA-256 \(fixture.newer.archiveSHA256 ?? "?")"),
            "\(result)")
        #expect(result.stdout.contains("database SHA-256 \(fixture.newer.dbSHA256)"), "\(result)")
        #expect(
            result.stdout.contains(
                "etcdctl 3.4.23 snapshot status: revision \(fixture.newer.revision)"), "\(result)")
        #expect(
            result.stdout.contains(
                "backup \(fixture.newer.id) of cluster \(BackupFixture.clusterName) (epoch 2) is good"
            ))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)

        let json = try await runRestoreCLI(
            ["verify", fixture.newerArchive, "--json"], temporaryDirectory: scratch.path)
        #expect(json.exitCode == 0, "\(json)")
        let document = try json.jsonObject()
        #expect(document["ok"] as? Bool == true)
        #expect((document["manifest"] as? [String: Any])?["id"] as? String == fixture.newer.id)
        let status = try #require(document["snapshot_status"] as? [String: Any])
        #expect(status["revision"] as? Int == Int(fixture.newer.revision))
        #expect((status["total_key"] as? Int ?? 0) > BackupFixture.liveKeysInNewer)
    }
}

import EtcdMesosTesting
import Foundation
import Testing

extension RestoreCLITests {
    @Test(
        "inspect shows the revision, cluster, member, sizes, and the key count from etcd's own tools"
    )
    func inspectShowsRevisionAndKeyCount() async throws {
        let fixture = try BackupFixture.require()
        let scratch = try TemporaryDirectory(prefix: "restore-inspect")
        defer { scratch.remove() }
        let text = try await runRestoreCLI(
            ["inspect", fixture.newerArchive, "--count-keys"], temporaryDirectory: scratch.path)
        #expect(text.exitCode == 0, "\(text)")
        let lines = text.stdout.split(separator: "\n").map {
            $0.split(separator: " ", maxSplits: 1).map(String.init)
        }
        func row(_ label: String) -> String? {
            text.stdout.split(separator: "\n").first { $0.hasPrefix(label + " ") }.map {
                String($0.dropFirst(label.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        #expect(!lines.isEmpty)
        #expect(row("backup") == fixture.newer.id)
        #expect(row("cluster") == "\(BackupFixture.clusterName) (epoch 2)")
        #expect(
            row("revision")?.hasPrefix(
                "\(fixture.newer.revision) (the database holds revision \(fixture.newer.revision))")
                == true, "\(text)")
        #expect(
            row("source member")?.hasPrefix("m1, id \(fixture.newer.sourceMember.id)") == true,
            "\(text)")
        #expect(row("live keys")?.hasPrefix("\(BackupFixture.liveKeysInNewer) ") == true, "\(text)")
        #expect(
            row("created at") == String(fixture.newer.createdAtText.prefix(19))
                .replacingOccurrences(of: "T", with: " ")
                + " UTC")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty,
            "no scratch or throwaway member left")

        let json = try await runRestoreCLI(
            ["inspect", fixture.newerArchive, "--json"], temporaryDirectory: scratch.path)
        #expect(json.exitCode == 0, "\(json)")
        let document = try json.jsonObject()
        #expect(document["revision"] as? Int == Int(fixture.newer.revision))
        #expect(document["cluster_name"] as? String == BackupFixture.clusterName)
        #expect(document["db_size"] as? Int == Int(fixture.newer.dbSize))
        #expect(document["archive_size"] as? Int == Int(fixture.newer.archiveSize ?? 0))
        #expect(document["live_keys"] == nil, "live keys are counted only with --count-keys")
        // Ten overwrites and a delete: etcd stores more key revisions than there are live keys.
        #expect((document["stored_keys"] as? Int ?? 0) > BackupFixture.liveKeysInNewer + 10)
    }
}

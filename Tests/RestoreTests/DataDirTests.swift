import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

extension RestoreCLITests {
    @Test(
        "data-dir restores a data dir that a real etcd starts on and serves the backup's keys from",
        arguments: EtcdBinaries.supported)
    func dataDirRestoresServingMember(_ binaries: EtcdBinaries) async throws {
        let fixture = try BackupFixture.require()
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer { parent.remove() }
        let peerURL = "http://127.0.0.1:\(try FreePort.allocate())"
        let clientURL = "http://127.0.0.1:\(try FreePort.allocate())"
        let dataDir = parent.appending("r1.etcd")
        let result = try await runRestoreCLI([
            "data-dir", fixture.newerArchive, "--name", "r1", "--initial-cluster", "r1=\(peerURL)",
            "--initial-advertise-peer-urls", peerURL, "--data-dir", dataDir, "--etcd-bin-dir",
            binaries.directory,
            "--json",
        ])
        #expect(result.exitCode == 0, "\(result)")
        let document = try result.jsonObject()
        #expect(document["data_dir"] as? String == dataDir)
        #expect(document["backup"] as? String == fixture.newer.id)
        #expect(
            (document["initial_cluster_token"] as? String)?.hasPrefix(
                "\(BackupFixture.clusterName)-restore-") == true)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["r1.etcd"],
            "no scratch left")

        try await withEtcdOnDataDir(
            dataDir, name: "r1", peerURL: peerURL, clientURL: clientURL, binaries: binaries,
            logPath: parent.appending("etcd.log")
        ) { clientURL in
            try await EtcdClient.withClient(endpoint: clientURL, callTimeout: .seconds(5)) {
                client in
                let all = try await client.range(prefix: "key", limit: 1)
                #expect(all.count == Int64(BackupFixture.liveKeysInNewer))
                #expect(all.revision >= fixture.newer.revision)
                for key in ["key0000", "key0150", "key0299"] {
                    let read = try await client.range(key)
                    #expect(
                        read.kvs.first.map { String(decoding: $0.value, as: UTF8.self) }
                            == fixture.newerKeys[key])
                }
                #expect(
                    try await client.range("key0001").kvs.isEmpty,
                    "a key deleted before the backup stays deleted")
            }
        }
    }

    @Test("data-dir refuses a non-empty target and leaves it untouched")
    func dataDirRefusesNonEmptyTarget() async throws {
        let fixture = try BackupFixture.require()
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer { parent.remove() }
        let dataDir = parent.appending("member.etcd")
        try FileManager.default.createDirectory(
            atPath: dataDir + "/member", withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: dataDir + "/member/keep"))
        let before = try DirectoryState(of: parent.path)
        let result = try await runRestoreCLI(
            dataDirArguments(fixture.newerArchive, dataDir: dataDir))
        #expect(result.exitCode == 1, "\(result)")
        #expect(
            result.stderr.contains(
                "refusing to restore into \(dataDir): it is not empty (1 entry: member)"),
            "\(result)")
        #expect(try DirectoryState(of: parent.path) == before)
    }

    @Test("data-dir refuses a file where the data dir should be, and leaves it untouched")
    func dataDirRefusesFileTarget() async throws {
        let fixture = try BackupFixture.require()
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer { parent.remove() }
        let dataDir = parent.appending("member.etcd")
        try Data("not a directory\n".utf8).write(to: URL(fileURLWithPath: dataDir))
        let before = try DirectoryState(of: parent.path)
        let result = try await runRestoreCLI(
            dataDirArguments(fixture.newerArchive, dataDir: dataDir))
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("it exists and is not a directory"), "\(result)")
        #expect(try DirectoryState(of: parent.path) == before)
    }

    @Test(
        "data-dir from a bad archive creates no data dir and leaves nothing behind",
        arguments: BadArchive.allCases)
    func dataDirRefusesBadArchive(_ bad: BadArchive) async throws {
        let fixture = try BackupFixture.require()
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer { parent.remove() }
        let archive = try bad.make(in: parent.path, from: fixture)
        let before = try DirectoryState(of: parent.path)
        let result = try await runRestoreCLI(
            dataDirArguments(archive, dataDir: parent.appending("member.etcd")))
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains(bad.expectedMessage), "\(result)")
        #expect(try DirectoryState(of: parent.path) == before)
    }

    @Test("data-dir with peer URLs that do not match --initial-cluster is a usage error")
    func dataDirRejectsMismatchedPeerURLs() async throws {
        let fixture = try BackupFixture.require()
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer { parent.remove() }
        let result = try await runRestoreCLI([
            "data-dir", fixture.newerArchive, "--name", "r1", "--initial-cluster",
            "r1=http://127.0.0.1:2380",
            "--initial-advertise-peer-urls", "http://127.0.0.1:2390", "--data-dir",
            parent.appending("r1.etcd"),
        ])
        #expect(result.exitCode == 2, "\(result)")
        #expect(
            result.stderr.contains("must match \"r1\"'s entries in --initial-cluster"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }

    /// A valid `data-dir` command line for `archive` into `dataDir` (the ports are never listened on).
    func dataDirArguments(_ archive: String, dataDir: String) -> [String] {
        [
            "data-dir", archive, "--name", "r1", "--initial-cluster", "r1=http://127.0.0.1:2380",
            "--initial-advertise-peer-urls", "http://127.0.0.1:2380", "--data-dir", dataDir,
        ]
    }
}

extension RestoreCLITests {
    @Test(
        "data-dir whose restore tool fails halfway reports the tool's words, exits 5, and removes what it made"
    )
    func dataDirCleansUpAfterToolFailure() async throws {
        let fixture = try BackupFixture.require()
        let tool = try FakeRestoreTool(.fails)
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer {
            tool.remove()
            parent.remove()
        }
        let result = try await runRestoreCLI(
            dataDirArguments(fixture.newerArchive, dataDir: parent.appending("member.etcd"))
                + ["--etcd-bin-dir", tool.directory.path])
        #expect(result.exitCode == 5, "\(result)")
        #expect(result.stderr.contains("snapshot restore"), "\(result)")
        #expect(result.stderr.contains("no space left on device"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }

    @Test(
        "data-dir interrupted during the restore stops the tool, removes what it made, and exits 130"
    )
    func dataDirCleansUpWhenInterrupted() async throws {
        let fixture = try BackupFixture.require()
        let tool = try FakeRestoreTool(.hangs)
        let parent = try TemporaryDirectory(prefix: "restore-datadir")
        defer {
            tool.remove()
            parent.remove()
        }
        let result = try await runRestoreCLI(
            dataDirArguments(fixture.newerArchive, dataDir: parent.appending("member.etcd"))
                + ["--etcd-bin-dir", tool.directory.path],
            interruptWhen: { tool.restoreIsRunning })
        #expect(result.exitCode == 130, "\(result)")
        #expect(
            result.stderr.contains(
                "interrupted by a signal; this command's temporary files were removed"), "\(result)"
        )
        #expect(!tool.restoreIsRunning, "the tool was stopped with the command")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }
}

import Backup
import EtcdClient
import EtcdExecutor
import EtcdMesosTesting
import Foundation
import MesosAPI
import ObjectStore
import TaskContract
import Testing

/// A task that names a backup: the real executor fetches it, checks it, restores the data dir with etcd's own
/// tool and runs the member as a one-member cluster, or fails the task with nothing started.
@Suite struct RestoreFromBackupTests {
    @Test func restoresABackupServedOverHTTPWithEtcd34() async throws {
        try await withBackupFixture(binaries: .debian) { fixture in
            try await withArchiveServer(files: [fixture.manifest.id: fixture.archivePath]) { base in
                try await restoreAndCheck(
                    fixture, url: "\(base)/backups/\(fixture.manifest.id)", binaries: .debian,
                    tool: "etcdctl")
            }
        }
    }

    @Test func restoresABackupFromALocalPathWithEtcd35() async throws {
        let binaries = EtcdBinaries.distro35
        try #require(
            binaries.isInstalled,
            "etcd 3.5 is not installed in \(binaries.directory) (scripts/setup.sh)")
        try await withBackupFixture(binaries: binaries) { fixture in
            try await restoreAndCheck(
                fixture, url: fixture.archivePath, binaries: binaries, tool: "etcdutl")
        }
    }

    /// The fixture's backup uploaded encrypted to a real object store (SeaweedFS); the task carries only a
    /// presigned URL of the object and that archive's own key, as the scheduler hands them out. A key for
    /// another archive fails the task by name, and no message shows the URL's signature.
    @Test func restoresAnEncryptedBackupFromAPresignedStoreURL() async throws {
        try await withBackupFixture(binaries: .debian) { fixture in
            try await withSeaweedFS { server in
                let remote = RemoteBackups(
                    location: S3Location(bucket: "executor-restore", prefix: "cluster"),
                    endpoint: try S3Endpoint(parsing: server.endpoint),
                    region: SeaweedFSServer.region,
                    credentials: S3Credentials(
                        accessKeyID: SeaweedFSServer.accessKeyID,
                        secretAccessKey: SeaweedFSServer.secretAccessKey),
                    cache: BackupStore(
                        directory: (fixture.archivePath as NSString).deletingLastPathComponent),
                    encryptionKey: try BackupEncryptionKey(bytes: Data((0..<32).map { UInt8($0) })))
                try await remote.client.createBucket()
                #expect(await remote.uploadPending() == [fixture.manifest.id])
                let direct = try #require(
                    try await remote.directDownload(fixture.manifest.id, expires: .seconds(600)))
                #expect(direct.url.hasPrefix(server.endpoint + "/executor-restore/cluster/"))
                #expect(
                    direct.url.contains(".tar.zst.enc?") && direct.url.contains("X-Amz-Signature="))
                let encryption = try #require(direct.manifest.encryption)
                let archiveKey = try #require(direct.archiveKey)
                var source = EtcdTaskData.RestoreSource(
                    url: direct.url, archiveSHA256: try #require(fixture.manifest.archiveSHA256),
                    archiveSize: fixture.manifest.archiveSize,
                    databaseSize: fixture.manifest.dbSize,
                    encryption: .init(
                        algorithm: encryption.algorithm, archiveKey: archiveKey.base64,
                        chunkSize: encryption.chunkSize, encryptedSize: encryption.encryptedSize))
                try await restoreAndCheck(
                    fixture, url: source.shownURL, source: source, binaries: .debian,
                    tool: "etcdctl")

                source.encryption?.archiveKey = Data(repeating: 7, count: 32).base64EncodedString()
                let wrongKey = source
                try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
                    try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                        let offer = try #require(
                            try await framework.offers(fromAgents: 1).values.first)
                        let name = memberName("wrong-key")
                        var data = EtcdTaskData(
                            member: cluster.member(name, on: offer.hostname), peers: [],
                            initialClusterState: "new", clusterToken: "t-\(name)")
                        data.restore = wrongKey
                        let task = try cluster.task(data, on: offer)
                        try await framework.launch([task], on: offer)
                        let failed = try await framework.update(
                            of: task.taskID, .failed, timeout: .seconds(60))
                        let message = failed.message ?? ""
                        #expect(message.contains("cannot decrypt the backup"), "\(message)")
                        #expect(message.contains("does not open it"), "\(message)")
                        #expect(!message.contains("X-Amz-Signature"), "\(message)")
                        #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
                        let sandbox = try #require(cluster.sandboxes(of: name).first)
                        let left =
                            (try? FileManager.default.contentsOfDirectory(atPath: sandbox)) ?? []
                        #expect(
                            left.allSatisfy {
                                !$0.hasPrefix("restore.tar.zst") && !$0.hasPrefix("etcd_data")
                            },
                            "\(left)")
                        let log =
                            (try? String(contentsOfFile: sandbox + "/stderr", encoding: .utf8))
                            ?? ""
                        #expect(
                            !log.contains("X-Amz-Signature"),
                            "the executor logged the URL's signature")
                    }
                }
            }
        }
    }

    /// Launches a member restoring `url` (or `source`, shown as `url`) and checks that it runs alone, holding
    /// exactly the snapshot's keys.
    private func restoreAndCheck(
        _ fixture: BackupFixture, url: String, source: EtcdTaskData.RestoreSource? = nil,
        binaries: EtcdBinaries, tool: String
    ) async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("restored")
                var data = EtcdTaskData(
                    member: cluster.member(name, on: offer.hostname), peers: [],
                    initialClusterState: "new",
                    clusterToken: "t-\(name)")
                data.restore =
                    try source
                    ?? .init(
                        url: url, archiveSHA256: try #require(fixture.manifest.archiveSHA256),
                        archiveSize: fixture.manifest.archiveSize,
                        databaseSize: fixture.manifest.dbSize)
                let task = try cluster.task(data, on: offer, etcdBinary: binaries.etcd)
                try await framework.launch([task], on: offer)

                let running = try await framework.update(
                    of: task.taskID, .running, timeout: .seconds(60))
                let updates = await framework.updates(of: task.taskID)
                #expect(
                    updates.map(\.state) == [.starting, .running], "\(cluster.diagnostics(name))")
                let starting = updates.first?.message ?? ""
                #expect(
                    starting.contains("restoring the member's data dir from the backup \(url)"),
                    "\(starting)")
                #expect(
                    running.message?.contains("restored from backup \(fixture.manifest.id)")
                        == true, "\(running)")

                try await EtcdClient.withClient(endpoint: data.member.clientURL) { client in
                    #expect(try await client.memberList().map(\.name) == [name])
                    let all = try await client.range([0], end: [0])
                    let restored = Dictionary(
                        uniqueKeysWithValues: all.kvs.map {
                            (
                                String(decoding: $0.key, as: UTF8.self),
                                String(decoding: $0.value, as: UTF8.self)
                            )
                        })
                    #expect(restored == fixture.keys)
                    #expect(restored[fixture.keyAfterSnapshot] == nil)
                    #expect(all.revision >= fixture.manifest.revision)
                    #expect(try await client.put("restore/new", value: "x") > all.revision)
                }
                let sandbox = try #require(cluster.sandboxes(of: name).first)
                let log = (try? String(contentsOfFile: sandbox + "/stderr", encoding: .utf8)) ?? ""
                #expect(log.contains("\(tool) snapshot restore"), "the restore used \(tool)")
                #expect(FileManager.default.fileExists(atPath: sandbox + "/etcd_data/member"))
                for leftover in [
                    "restore.tar.zst", "restore.tar.zst.partial", "snapshot.db",
                    "etcd_data.restoring",
                ] {
                    #expect(
                        !FileManager.default.fileExists(atPath: sandbox + "/" + leftover),
                        "\(leftover) is left")
                }
            }
        }
    }

    @Test func badBackupsFailTheTaskWithNothingStarted() async throws {
        try await withBackupFixture(binaries: .debian, keys: 5) { fixture in
            let corrupt = try fixture.corruptedCopy()
            let empty = fixture.scratch + "/empty.tar.zst"
            try Data().write(to: URL(fileURLWithPath: empty))
            let size = try #require(fixture.manifest.archiveSize)
            let id = fixture.manifest.id
            let files = [id: fixture.archivePath, "corrupt": corrupt, "empty": empty]
            try await withArchiveServer(files: files) { base in
                let refused = "http://127.0.0.1:\(try FreePort.allocate())/backups/\(id)"
                let silentPort = try FreePort.allocate()
                let silent = "http://127.0.0.1:\(silentPort)/backups/\(id)"
                let wrongHash = String(repeating: "0", count: 64)
                try await withPortHeld(host: "127.0.0.1", port: silentPort) {
                    try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
                        try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                            let offer = try #require(
                                try await framework.offers(fromAgents: 1).values.first)
                            let cases = [
                                BadBackup(
                                    "wrong-sha", "\(base)/backups/\(id)", sha256: wrongHash,
                                    size: size,
                                    expected: [
                                        "sha256 mismatch", wrongHash,
                                        fixture.manifest.archiveSHA256 ?? "?",
                                    ]),
                                BadBackup(
                                    "corrupt", "\(base)/backups/corrupt",
                                    sha256: try sha256Hex(ofFile: corrupt), size: size,
                                    expected: ["failed verification", "is corrupt"]),
                                BadBackup(
                                    "empty", "\(base)/backups/empty",
                                    sha256: try sha256Hex(ofFile: empty), size: 0,
                                    expected: ["is empty (0 bytes)"]),

                                BadBackup(
                                    "missing", "\(base)/backups/no-such-backup",
                                    expected: ["HTTP 404"]),
                                BadBackup("refused", refused, expected: ["connection was refused"]),
                                BadBackup("silent", silent, flags: ["-restore-fetch-timeout=3s"]),
                            ]
                            var tasks: [TaskInfo] = []
                            for item in cases {
                                var data = EtcdTaskData(
                                    member: cluster.member(item.name, on: offer.hostname),
                                    peers: [],
                                    initialClusterState: "new", clusterToken: "t-\(item.name)")
                                data.restore = .init(
                                    url: item.url, archiveSHA256: item.sha256,
                                    archiveSize: item.size)
                                var task = try cluster.task(
                                    data, on: offer, executorFlags: item.flags)
                                // Nothing binds a port before the restore succeeded, so all fit in one offer.
                                task.resources = [.scalar("cpus", 0.2), .scalar("mem", 64)]
                                tasks.append(task)
                            }
                            let launched = ContinuousClock.now
                            try await framework.launch(tasks, on: offer)

                            for (item, task) in zip(cases, tasks) {
                                let failed = try await framework.update(
                                    of: task.taskID, .failed, timeout: .seconds(30))
                                let message = failed.message ?? ""
                                #expect(
                                    message.contains("cannot restore etcd member \(item.name)"),
                                    "\(message)")
                                #expect(message.contains(item.url), "\(message)")
                                for text in item.expected {
                                    #expect(message.contains(text), "\(message)")
                                }
                                #expect(
                                    await framework.updates(of: task.taskID).map(\.state) == [
                                        .starting, .failed,
                                    ])
                                #expect(ProcessProbe.etcdPIDs(member: item.name).isEmpty)
                                let sandbox = try #require(cluster.sandboxes(of: item.name).first)
                                let left =
                                    (try? FileManager.default.contentsOfDirectory(atPath: sandbox))
                                    ?? []
                                #expect(
                                    left.allSatisfy {
                                        !$0.hasPrefix("etcd_data")
                                            && !$0.hasPrefix("restore.tar.zst")
                                            && !$0.hasPrefix("snapshot.db") && $0 != "etcd.log"
                                    },
                                    "\(item.name) left \(left)")
                            }
                            let silentFailure = try await framework.update(
                                of: tasks[5].taskID, .failed)
                            #expect(
                                silentFailure.message?.contains("within 3s") == true
                                    || silentFailure.message?.contains("read timeout") == true,
                                "\(silentFailure)")
                            #expect(ContinuousClock.now - launched < .seconds(60))  // a hang guard; CI is loaded
                        }
                    }
                }
            }
        }
    }

    /// A backup the executor must refuse, and what its TASK_FAILED message must say.
    private struct BadBackup: Sendable {
        var name: String
        var url: String
        var sha256: String
        var size: UInt64
        var flags: [String]
        var expected: [String]

        init(
            _ prefix: String, _ url: String, sha256: String = String(repeating: "0", count: 64),
            size: UInt64 = 1, flags: [String] = [], expected: [String] = []
        ) {
            name = memberName(prefix)
            self.url = url
            self.sha256 = sha256
            self.size = size
            self.flags = flags
            self.expected = expected
        }
    }

    @Test func killingATaskWhileItRestoresStopsTheRestore() async throws {
        let silentPort = try FreePort.allocate()
        try await withPortHeld(host: "127.0.0.1", port: silentPort) {
            try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
                try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                    let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                    let name = memberName("stopped")
                    var data = EtcdTaskData(
                        member: cluster.member(name, on: offer.hostname), peers: [],
                        initialClusterState: "new",
                        clusterToken: "t-\(name)")
                    data.restore = .init(
                        url: "http://127.0.0.1:\(silentPort)/backups/b1",
                        archiveSHA256: String(repeating: "0", count: 64), archiveSize: 100)
                    let task = try cluster.task(data, on: offer)
                    try await framework.launch([task], on: offer)
                    try await framework.update(of: task.taskID, .starting)

                    let asked = ContinuousClock.now
                    try await framework.kill(task.taskID, on: offer.agentID)
                    let killed = try await framework.update(
                        of: task.taskID, .killed, timeout: .seconds(30))
                    #expect(ContinuousClock.now - asked < .seconds(30))  // a hang guard; CI is loaded
                    #expect(killed.message?.contains("etcd never ran") == true, "\(killed)")
                    #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
                    let sandbox = try #require(cluster.sandboxes(of: name).first)
                    #expect(!FileManager.default.fileExists(atPath: sandbox + "/etcd_data"))
                    #expect(
                        !FileManager.default.fileExists(
                            atPath: sandbox + "/restore.tar.zst.partial"))
                }
            }
        }
    }

    @Test func aDataDirThatHoldsAnythingIsNeverRestoredOver() throws {
        let directory = try TemporaryDirectory(prefix: "restore-needed")
        defer { directory.remove() }
        let dataDir = directory.appending("etcd_data")
        #expect(MemberRestore.isNeeded(dataDirectory: dataDir))
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        #expect(MemberRestore.isNeeded(dataDirectory: dataDir))
        try FileManager.default.createDirectory(
            atPath: dataDir + "/member", withIntermediateDirectories: true)
        #expect(!MemberRestore.isNeeded(dataDirectory: dataDir))
    }

    @Test(arguments: EtcdBinaries.supported)
    func theRevisionBumpIsUsedOnlyWhenTheToolHasIt(binaries: EtcdBinaries) async throws {
        let tool = try SnapshotRestoreTool.locate(nextTo: binaries.etcd)
        #expect(tool.kind == (binaries.etcdutl == nil ? .etcdctl : .etcdutl))
        let scratch = try TemporaryDirectory(prefix: "restore-tool")
        defer { scratch.remove() }
        // Neither etcdctl 3.4 nor etcdutl 3.5.1 has the flags; newer etcdutl releases do.
        #expect(await tool.supportsRevisionBump(scratch: scratch.path) == false)
        let member = SnapshotRestoreTool.Member(
            name: "m1", initialCluster: "m1=http://h:2380", clusterToken: "t",
            peerURL: "http://h:2380")
        #expect(
            !tool.restoreArguments(
                snapshot: "s.db", member: member, dataDirectory: "d", bumpRevision: false
            )
            .contains("--bump-revision"))

        let newerHelp = """
                  --bump-revision uint    How much to increase the latest revision after restore
                  --mark-compacted        Mark the latest revision after restore as the point of scheduled compaction
            """
        #expect(SnapshotRestoreCommand.canBumpRevision(help: newerHelp))
        #expect(!SnapshotRestoreCommand.canBumpRevision(help: "      --bump-revision uint"))
        let bumped = tool.restoreArguments(
            snapshot: "s.db", member: member, dataDirectory: "d", bumpRevision: true)
        #expect(bumped.suffix(3) == ["--bump-revision", "1000000000", "--mark-compacted"])
        // The executor extracted the snapshot through the archive's full check (etcd's trailing hash included).
        #expect(bumped.contains("--skip-hash-check"))
    }
}

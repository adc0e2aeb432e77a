import EtcdMesosTesting
import Foundation
import LocalMesos
import ObjectStore
import Testing

/// Backups in an object store outlive the scheduler's host: every member lost **and** the scheduler's work
/// dir gone, a new scheduler with an empty work dir and the same `-backup-store` brings the cluster back.
@Suite("End to end: off-host backups in an object store", .serialized)
struct OffHostBackupTests {
    @Test(
        "every member and the scheduler's work dir lost: a new scheduler seeds 3 members from the encrypted store"
    )
    func restoreFromTheStoreAlone() async throws {
        try await withSeaweedFS { server in
            let bucket = S3Client(
                endpoint: try S3Endpoint(parsing: server.endpoint), bucket: "etcd-backups",
                region: SeaweedFSServer.region,
                credentials: S3Credentials(
                    accessKeyID: SeaweedFSServer.accessKeyID,
                    secretAccessKey: SeaweedFSServer.secretAccessKey))
            try await bucket.createBucket()
            let root = try TemporaryDirectory(prefix: "e2e-off-host")
            defer { root.remove() }
            let credentials = root.appending("aws-credentials")
            try """
            [default]
            aws_access_key_id = \(SeaweedFSServer.accessKeyID)
            aws_secret_access_key = \(SeaweedFSServer.secretAccessKey)
            """.write(toFile: credentials, atomically: true, encoding: .utf8)
            chmod(credentials, 0o600)
            // Archives go up encrypted; the new host has the key (kept apart from the work dir).
            let key = root.appending("backup-key")
            FileManager.default.createFile(
                atPath: key, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }),
                attributes: [.posixPermissions: 0o600])
            let store = [
                "-backup-store=s3://etcd-backups/e2e", "-backup-store-endpoint=\(server.endpoint)",
                "-backup-store-credentials-file=\(credentials)",
                "-backup-encryption-key-file=\(key)",
                "-backup-interval=0", "-chill=1s",
            ]

            try await TestMesos.withCluster(agents: 6) { mesos in
                // The first host: a cluster, keys, a backup that lands in the store.
                let first = root.appending("host-a")
                try FileManager.default.createDirectory(
                    atPath: first, withIntermediateDirectories: true)
                let backupID: String = try await SchedulerProcess.with(
                    arguments: try schedulerArguments(
                        master: mesos.url, stateFile: first + "/state.json",
                        extra: store + ["-backup-dir=\(first)/backups"]),
                    adminPort: try FreePort.allocate(), logPath: first + "/scheduler.log"
                ) { scheduler in
                    try await waitForHealthyCluster(
                        scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                    let urls = try await scheduler.runningClientURLs()
                    try await writeKeys(2_000, prefix: "/e2e/kept/", via: urls[0])
                    let id = try await takeBackup(scheduler).id
                    #expect(try await scheduler.stat("backup_store_uploads") == 1)
                    #expect(try await scheduler.stat("backup_store_pending_uploads") == 0)
                    try await writeKeys(100, prefix: "/e2e/after-snapshot/", via: urls[0])
                    for url in urls { try await agent(runningMemberAt: url, in: mesos).kill() }
                    await scheduler.crash()
                    return id
                }
                let stored = Set(try await bucket.list(prefix: "e2e/").map(\.key))
                #expect(stored == ["e2e/\(backupID).tar.zst.enc", "e2e/\(backupID).tar.zst.json"])
                // The host is gone: its work dir, state and backup cache with it.
                try FileManager.default.removeItem(atPath: first)

                // A new host, an empty work dir, the same store.
                let second = root.appending("host-b")
                try FileManager.default.createDirectory(
                    atPath: second, withIntermediateDirectories: true)
                try await SchedulerProcess.with(
                    arguments: try schedulerArguments(
                        master: mesos.url, stateFile: second + "/state.json",
                        extra: store + [
                            "-backup-dir=\(second)/backups", "-restore-from=\(backupID)",
                        ]),
                    adminPort: try FreePort.allocate(), logPath: second + "/scheduler.log"
                ) { scheduler in
                    let listed = try await scheduler.get("/backups")
                    #expect(listed.status == 200)
                    #expect(String(decoding: listed.body, as: UTF8.self).contains(backupID))
                    try await waitForHealthyCluster(
                        scheduler, size: 3, timeout: .seconds(120),
                        "3 members seeded from the store")
                    for url in try await scheduler.runningClientURLs() {
                        #expect(try await countKeys(prefix: "/e2e/kept/", via: url) == 2_000)
                        #expect(try await countKeys(prefix: "/e2e/after-snapshot/", via: url) == 0)
                    }
                }
                // The seed's executor fetched the archive from the store (a presigned URL, shown without its
                // query) and opened it with that archive's key; no signature is in any executor log.
                let logs = await executorLogs(in: mesos)
                #expect(
                    logs.contains {
                        $0.contains("decrypted the backup archive")
                            && $0.contains(
                                "\(server.endpoint)/etcd-backups/e2e/\(backupID).tar.zst.enc?…")
                    }, "no executor fetched the backup from the store")
                #expect(!logs.contains { $0.contains("X-Amz-Signature") })
            }
        }
    }

    /// The `stderr` of every executor sandbox of every agent.
    private func executorLogs(in mesos: LocalCluster) async -> [String] {
        var logs: [String] = []
        for agent in mesos.agents {
            let root = await agent.configuration.workDirectory
            let files =
                FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            logs += files.filter { $0.hasSuffix("/stderr") }.compactMap {
                try? String(contentsOfFile: root + "/" + $0, encoding: .utf8)
            }
        }
        return logs
    }
}

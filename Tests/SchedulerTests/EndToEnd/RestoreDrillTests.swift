import Backup
import Crypto
import EtcdClient
import EtcdMesosTesting
import Foundation
import ProcessControl
import Testing

/// Restore drills on local Mesos: a backup restored into a throwaway etcd beside the scheduler proves it
/// restores; a database with bad bbolt pages (whose archive hashes all match) fails its drill, and `/healthz`
/// says so.
@Suite("End to end: restore drills", .serialized)
struct RestoreDrillTests {
    @Test(
        "a good backup passes its drill; a corrupted db with matching hashes fails it, shown in /healthz"
    )
    func drills() async throws {
        try await TestMesos.withCluster(agents: 3) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-drill")
            defer { directory.remove() }
            let backups = directory.appending("backups")
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: [
                    "-chill=1s", "-backup-dir=\(backups)", "-backup-interval=0",
                    "-restore-drill-interval=0",
                ])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                let urls = try await scheduler.runningClientURLs()
                try await writeKeys(500, prefix: "/e2e/drill/", via: urls[0])
                let good = try await takeBackup(scheduler)

                let started = ContinuousClock.now
                let passed = try await scheduler.post("/backups/\(good.id)/drill")
                print(
                    "e2e: drill of \(good.id) (\(good.dbSize) bytes) took \(ContinuousClock.now - started)"
                )
                #expect(passed.status == 200, "\(String(decoding: passed.body, as: UTF8.self))")
                let drill = try #require(try BackupManifest.decode(passed.body).drill)
                #expect(drill.passed && drill.keys == 500 && (drill.revision ?? 0) >= good.revision)
                // Recorded in the sidecar on disk, and shown by the CLI's list.
                let sidecar = try BackupManifest.decode(
                    try Data(contentsOf: URL(fileURLWithPath: "\(backups)/\(good.id).tar.zst.json"))
                )
                #expect(sidecar.drill == drill)
                #expect(try await scheduler.stat("backup_last_drill_passed") == 1)
                let listed = try await runCLI(["list", backups], in: directory.path)
                #expect(listed.contains("DRILL") && listed.contains("passed"), "\(listed)")
                #expect(try await scheduler.get("/healthz").body.utf8String.contains("\"healthy\""))

                // The same database with bad bbolt pages, archived as a newer backup: every hash matches.
                let corrupt = try await CorruptedBackup.write(from: good, in: backups)
                _ = try BackupArchiveReader(path: "\(backups)/\(corrupt.archiveFileName)").verify(
                    against: corrupt)
                let failed = try await scheduler.post("/backups/\(corrupt.id)/drill")
                #expect(failed.status == 422, "\(String(decoding: failed.body, as: UTF8.self))")
                let failure = try #require(try BackupManifest.decode(failed.body).drill)
                #expect(!failure.passed && failure.reason?.isEmpty == false)
                let health = try await scheduler.get("/healthz")
                #expect(health.status == 200)
                let text = health.body.utf8String
                #expect(
                    text.contains("\"degraded\"") && text.contains("failed its restore drill"),
                    "\(text)")
                #expect(try await scheduler.stat("backup_drills_failed") == 1)
                #expect(try await scheduler.stat("backup_last_drill_passed") == 0)
                // Nothing of the drills is left: no scratch directory, no throwaway etcd.
                let left = try FileManager.default.contentsOfDirectory(atPath: backups)
                #expect(!left.contains { $0.hasPrefix(".etcd-mesos-restore") }, "\(left)")
                #expect(!Self.throwawayEtcdRuns(), "a throwaway etcd was left running")
            }
        }
    }

    /// True when a process runs `etcd --name throwaway` (the drill's member).
    static func throwawayEtcdRuns() -> Bool {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.contains { pid in
            guard Int(pid) != nil,
                let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return false }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.first?.hasSuffix("etcd") == true
                && zip(arguments, arguments.dropFirst()).contains {
                    $0 == "--name" && $1 == "throwaway"
                }
        }
    }

    private func runCLI(_ arguments: [String], in directory: String) async throws -> String {
        let log = directory + "/cli-\(UUID().uuidString).txt"
        let process = try ChildProcess.launch(
            executable: try BuildProducts.executable("etcd-mesos-restore"), arguments: arguments,
            outputPath: log)
        _ = await process.waitForExit()
        return (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }
}

/// A backup whose database has bad bbolt pages but whose hashes all match: etcd's trailing SHA-256, the
/// manifest's `db_sha256` and the archive's own hash are computed over the damaged bytes, as a snapshot that
/// was damaged before it was streamed would be.
enum CorruptedBackup {
    static func write(from good: BackupManifest, in directory: String) async throws
        -> BackupManifest
    {
        let scratch = try TemporaryDirectory(prefix: "corrupt-db")
        defer { scratch.remove() }
        let extracted = scratch.appending("snapshot.db")
        _ = try BackupArchiveReader(path: "\(directory)/\(good.archiveFileName)").verify(
            extractDatabaseTo: extracted)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: extracted)))
        if bytes.count % 4096 == 32 { bytes.removeLast(32) }  // etcd's hash, recomputed below
        // Every page after the two meta pages gets a page type bbolt does not know.
        for page in stride(from: 2 * 4096, to: bytes.count, by: 4096) {
            bytes[page + 8] = 0xee
            bytes[page + 9] = 0xee
        }
        let stream = bytes + Array(SHA256.hash(data: bytes))
        let status = EtcdStatus(
            memberID: 0xabc, clusterID: 0xdef, version: "3.4.0", dbSize: Int64(bytes.count),
            dbSizeInUse: Int64(bytes.count), leader: 0xabc, raftIndex: good.raftIndex,
            raftTerm: good.raftTerm, raftAppliedIndex: good.raftIndex, revision: good.revision,
            isLearner: false, errors: [])
        let (chunks, input) = AsyncStream.makeStream(of: Data.self)
        for start in stride(from: 0, to: stream.count, by: 65536) {
            input.yield(Data(stream[start..<min(stream.count, start + 65536)]))
        }
        input.finish()
        return try await SnapshotArchiver(directory: directory, toolVersion: "corrupted by a test")
            .archive(
                chunks, announcedSize: UInt64(stream.count),
                from: SnapshotSource(
                    candidate: BackupSourceCandidate(endpoint: "http://127.0.0.1:1", name: "m1"),
                    status: status),
                clusterName: good.clusterName, clusterEpoch: good.clusterEpoch,
                startedAt: good.createdAt.addingTimeInterval(1))
    }
}

extension Data {
    fileprivate var utf8String: String { String(decoding: self, as: UTF8.self) }
}

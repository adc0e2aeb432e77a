import Backup
import EtcdMesosTesting
import Foundation
import ProcessControl
import Testing

@Suite("A process killed mid-snapshot")
struct CrashRecoveryTests {
    @Test("leaves only a hidden temp file, never listed, and removed when the service starts again")
    func killedMidSnapshot() async throws {
        // The benchmark's `snapshot` command runs the same pipeline as the scheduler, in a process we can kill.
        let writer = try BuildProducts.executable("BackupBenchmark")
        try await withBackupDirectory { backups, scratch in
            try await withEtcdCluster(members: 1) { cluster in
                let endpoint = cluster.members[0].clientURL
                try await writeKeys(
                    count: 64, valueBytes: 1_000_000, prefix: "crash/", to: endpoint, parallel: 4)
                let child = try ChildProcess.launch(
                    executable: writer,
                    arguments: ["snapshot", "--endpoint", endpoint, "--dir", backups],
                    outputPath: scratch + "/writer.log")
                do {
                    try await eventually(
                        timeout: .seconds(20), poll: .milliseconds(5), "a half-written snapshot"
                    ) {
                        let partial = try filesIn(backups).filter { $0.hasSuffix(".partial") }
                        guard partial.count == 1 else { return false }
                        return try fileSize("\(backups)/\(partial[0])") > 1_000_000
                    }
                } catch {
                    await child.terminate(gracePeriod: .seconds(1))
                    throw error
                }
                child.signal(SIGKILL)
                let status = await child.waitForExit()
                #expect(status == .signalled(SIGKILL), "the writer finished before it was killed")

                let left = try filesIn(backups)
                #expect(
                    left.count == 1 && left[0].hasPrefix(".") && left[0].hasSuffix(".partial"),
                    "\(left)")
                #expect(try BackupStore(directory: backups).list().isEmpty)

                let restarted = try makeService(directory: backups, cluster: cluster)
                #expect(try filesIn(backups) == [])
                #expect(try restarted.store.list().isEmpty)
                let manifest = try await restarted.takeBackup()
                #expect(try restarted.store.list().map(\.id) == [manifest.id])
            }
        }
    }
}

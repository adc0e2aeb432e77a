import EtcdMesosTesting
import Foundation
import Testing

/// Backups as the scheduler takes them on local Mesos: on schedule while the cluster takes writes, and on
/// demand with `POST /backups`, downloadable from `GET /backups/<id>`.
@Suite("End to end: backups", .serialized)
struct BackupScheduleTests {
    @Test("archives appear on schedule during writes; POST /backups returns a downloadable archive")
    func backupsOnScheduleAndOnDemand() async throws {
        try await TestMesos.withCluster(agents: 3) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-backup")
            defer { directory.remove() }
            let backups = directory.appending("backups")
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: [
                    "-chill=1s", "-backup-dir=\(backups)", "-backup-interval=3s",
                    "-backup-retention=4",
                ])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                let urls = try await scheduler.runningClientURLs()
                let writer = Task { try await writeKeys(600, prefix: "/e2e/backup/", via: urls[0]) }
                try await eventually(timeout: .seconds(40), "three periodic backups") {
                    try await scheduler.stat("backup_successes") >= 3
                }
                try await writer.value
                let archives = try FileManager.default.contentsOfDirectory(atPath: backups)
                    .filter { $0.hasSuffix(".tar.zst") }
                #expect(
                    archives.count >= 2 && archives.count <= 5,
                    "retention keeps the newest 4: \(archives)")
                #expect(!archives.contains { $0.contains(".tmp") || $0.hasPrefix(".") })

                let taken = try await scheduler.post("/backups")
                #expect(
                    taken.status == 201 || taken.status == 409,
                    "\(String(decoding: taken.body, as: UTF8.self))")
                let manifest = try await eventuallyTaken(scheduler, first: taken)
                let id = try #require(manifest["id"] as? String)
                #expect((manifest["revision"] as? Int ?? 0) > 1)
                let download = try await scheduler.get("/backups/\(id)")
                #expect(download.status == 200)
                #expect(download.body.count == manifest["archive_size"] as? Int)
                #expect(try await scheduler.get("/backups/..%2F..%2Fetc%2Fpasswd").status == 400)
                #expect(try await scheduler.get("/backups/no-such-backup").status == 404)
            }
        }
    }

    /// The manifest of the on-demand backup: the first answer, or (when a periodic backup was running and the
    /// request got 409) the answer of a retry.
    private func eventuallyTaken(_ scheduler: SchedulerProcess, first: (status: Int, body: Data))
        async throws
        -> [String: Any]
    {
        var answer = first
        for _ in 0..<20 where answer.status == 409 {
            try await Task.sleep(for: .milliseconds(250))
            answer = try await scheduler.post("/backups")
        }
        guard answer.status == 201,
            let object = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
        else { throw SchedulerTestError("POST /backups answered \(answer.status)") }
        return object
    }
}

import EtcdExecutor
import EtcdMesosTesting
import Foundation
import Hummingbird
import Logging
import TaskContract
import Testing

/// A restore the executor must refuse: one whose task names no archive hash (or size), and a download that goes
/// on beyond the archive size the sidecar records.
@Suite struct RestoreRefusalTests: StateMachineFixture {
    let start = ContinuousClock.now

    @Test func aRestoreWithoutAnArchiveHashFailsTheTaskBeforeAnythingStarts() throws {
        for hash in ["", "  "] {
            var restoring = data
            restoring.restore = .init(
                url: "http://backups/b1", archiveSHA256: hash, archiveSize: 100)
            var machine = machine()
            _ = machine.handle(.subscribed, at: at(0))
            let actions = machine.handle(
                .launch(try task(restoring), dataDirectoryIsEmpty: true), at: at(0)
            ).withoutLogs
            let message =
                "task m1 task: the backup to restore (http://backups/b1) has no archive hash "
                + "(archiveSHA256 is missing or empty); the executor restores only an archive whose "
                + "SHA-256 the scheduler names"
            #expect(
                actions == [
                    .report(Report(taskID, .starting)), .report(Report(taskID, .failed, message)),
                    .exit(code: 1, awaitAcknowledgement: true),
                ])
        }
    }

    @Test func aRestoreWithoutAnArchiveSizeFailsTheTask() throws {
        var restoring = data
        restoring.restore = .init(
            url: "http://backups/b1", archiveSHA256: String(repeating: "a", count: 64))
        var machine = machine()
        let actions = machine.handle(
            .launch(try task(restoring), dataDirectoryIsEmpty: true), at: at(0)
        ).withoutLogs
        guard case .report(let failed) = actions.dropFirst().first else {
            Issue.record("\(actions)")
            return
        }
        #expect(failed.state == .failed)
        #expect(failed.message?.contains("names no archiveSize") == true, "\(failed)")
    }

    @Test(arguments: [true, false])
    func anOverlongDownloadIsCutOffAndRefusedWithNothingLeft(announcesLength: Bool) async throws {
        let limit: UInt64 = 64 * 1024
        let router = Router()
        router.get("/backups/big") { _, _ -> Response in
            let chunks = AsyncStream<ByteBuffer> { input in
                for _ in 0..<64 { input.yield(ByteBuffer(repeating: 0x28, count: 16 * 1024)) }
                input.finish()
            }
            return Response(
                status: .ok,
                headers: announcesLength ? [.contentLength: "\(64 * 16 * 1024)"] : [:],
                body: ResponseBody(asyncSequence: chunks))
        }
        let sandbox = try TemporaryDirectory(prefix: "restore-limit")
        defer { sandbox.remove() }
        let path = sandbox.path
        let outcome = try await withTestServer(router) { base in
            let restore = MemberRestore(
                source: .init(
                    url: "\(base)/backups/big", archiveSHA256: String(repeating: "a", count: 64),
                    archiveSize: limit),
                member: .init(
                    name: "m1", initialCluster: "m1=http://127.0.0.1:2380", clusterToken: "t",
                    peerURL: "http://127.0.0.1:2380"),
                etcdBinary: "/usr/bin/etcd", sandbox: path, dataDirectory: path + "/etcd_data",
                fetchTimeout: .seconds(30), logger: Logger(label: "restore-limit"))
            do throws(MemberRestoreError) {
                return Result<MemberRestore.Restored, MemberRestoreError>.success(
                    try await restore.run())
            } catch {
                return .failure(error)
            }
        }
        guard case .failure(.archiveTooLarge(_, let cap, let found)) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(cap == limit)
        #expect(
            found.contains(announcesLength ? "announced Content-Length" : "sent more"), "\(found)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == [])
    }
}

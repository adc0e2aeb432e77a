import EtcdExecutor
import Foundation
import MesosAPI
import TaskContract
import Testing

/// The executor's decisions before etcd starts, without processes or network: the restore of a
/// backup and the reseed listener.
@Suite struct ExecutorStateMachineRestoreTests: StateMachineFixture {
    let start = ContinuousClock.now

    @Test func aBackupIsRestoredBeforeTheListenerAndEtcdStart() throws {
        var restoring = data
        restoring.restore = backup("http://backups/b1")
        var machine = machine()
        _ = machine.handle(.subscribed, at: at(0))
        let note =
            "restoring the member's data dir from the backup http://backups/b1 before etcd starts"
        #expect(
            machine.handle(.launch(try task(restoring), dataDirectoryIsEmpty: true), at: at(0)) == [
                .report(Report(taskID, .starting, note)),
                .startRestore(restoring, from: restoring.restore!),
            ])
        #expect(
            machine.handle(.reseedRequested(id: 1), at: at(1))
                == [.answerReseed(id: 1, .unavailable("etcd has not been started yet"))])
        let restored = MemberRestore.Restored(
            backupID: "b1", revision: 42, tool: .etcdutl, bumpedRevision: true)
        #expect(
            machine.handle(.restoreEnded(.success(restored)), at: at(2))
                == [listenerStart])
        _ = machine.handle(.reseedListenerStarted, at: at(2))
        let running = machine.handle(.etcd(.answered(generation: 1)), at: at(3))
        let message =
            "etcd member m1 serves clients at http://127.0.0.9:2379; "
            + "restored from backup b1 (revision 42)"
        #expect(running == [.report(Report(taskID, .running, message))])
    }

    @Test func aDataDirThatExistsIsNotRestoredAgain() throws {
        var restoring = data
        restoring.restore = backup("http://backups/b1")
        var machine = machine()
        #expect(
            machine.handle(.launch(try task(restoring), dataDirectoryIsEmpty: false), at: at(0))
                .withoutLogs
                == [
                    .report(Report(taskID, .starting)),
                    listenerStart,
                ])
    }

    @Test func killDuringTheRestoreStopsItAndEtcdNeverRuns() throws {
        var restoring = data
        restoring.restore = backup("/backups/b1.tar.zst")
        var machine = machine()
        _ = machine.handle(.subscribed, at: at(0))
        _ = machine.handle(.launch(try task(restoring), dataDirectoryIsEmpty: true), at: at(0))
        #expect(
            machine.handle(.kill(taskID, gracePeriod: nil), at: at(1)).withoutLogs == [.stopRestore]
        )
        #expect(
            machine.handle(.restoreEnded(.failure(.stopped)), at: at(2)) == [
                .report(
                    Report(
                        taskID, .killed,
                        "stopped while restoring the backup, etcd never ran: "
                            + "killed by the scheduler")),
                .exit(code: 0, awaitAcknowledgement: true),
            ])
    }

    @Test func aFailedRestoreFailsTheTask() throws {
        var restoring = data
        restoring.restore = backup("/backups/b1.tar.zst")
        var machine = machine()
        _ = machine.handle(.launch(try task(restoring), dataDirectoryIsEmpty: true), at: at(0))
        let error = MemberRestoreError.noRestoreTool(directory: "/usr/bin")
        #expect(
            machine.handle(.restoreEnded(.failure(error)), at: at(1)).withoutLogs == [
                .report(
                    Report(
                        taskID, .failed,
                        "cannot restore etcd member m1 from its backup: \(error)")),
                .exit(code: 1, awaitAcknowledgement: false),
            ])
    }

    @Test func aListenerThatCannotListenFailsTheTaskBeforeEtcdStarts() throws {
        var machine = machine()
        _ = machine.handle(.subscribed, at: at(0))
        _ = machine.handle(.launch(try task(), dataDirectoryIsEmpty: true), at: at(0))
        let reason = "the reseed listener cannot listen on 127.0.0.9:2381: address already in use"
        #expect(
            machine.handle(.reseedListenerFailed(reason), at: at(0)) == [
                .report(Report(taskID, .failed, reason)),
                .exit(code: 1, awaitAcknowledgement: true),
            ])
    }
}

import Backup
import Foundation
import Logging
import Reconciler

/// `-restore-from` and `-allow-empty-cluster`: what the operator asked for at start.
///
/// With no tasks on record, `-restore-from` becomes the state the reconciler starts from (a pending restore
/// in a new epoch), so the first member is launched from the backup before any empty cluster could be.
/// With tasks on record it waits until the scheduler finds every member lost, and then asks for the restore
/// as `POST /restore` would; while members run, nothing is restored.
enum StartupRestore {
    struct Initial {
        var state: PersistedClusterState?
        /// A restore to request once the cluster is found lost.
        var laterRequest: String?
    }

    static func initialState(
        _ restored: PersistedClusterState?, restoreFrom: String?, store: BackupStore, clusterName: String,
        logger: Logger
    ) throws -> Initial {
        guard let restoreFrom else { return Initial(state: restored, laterRequest: nil) }
        let id = try backupID(restoreFrom, store: store)
        do {
            _ = try store.verify(id: id, expectedCluster: clusterName)
        } catch {
            throw StartupRestoreError.verificationFailed(id: id, reason: "\(error)")
        }
        guard let restored, !restored.tasks.isEmpty else {
            var state = restored ?? PersistedClusterState()
            state.clusterEpoch += 1
            state.clusterFormed = false
            state.lastKnownRevision = 0
            state.pendingRestore = id
            logger.notice("-restore-from: the first member of cluster epoch \(state.clusterEpoch) starts from backup \(id)")
            return Initial(state: state, laterRequest: nil)
        }
        logger.notice(
            "-restore-from: \(restored.tasks.count) task(s) are on record; backup \(id) is restored only if they are all lost")
        return Initial(state: restored, laterRequest: id)
    }

    /// The backup ID `-restore-from` names: an ID, or the path of an archive in the backup directory.
    static func backupID(_ value: String, store: BackupStore) throws -> String {
        guard value.contains("/") else { return value }
        let url = URL(fileURLWithPath: value).standardizedFileURL
        let directory = URL(fileURLWithPath: store.directory).standardizedFileURL.path
        guard url.deletingLastPathComponent().path == directory, url.lastPathComponent.hasSuffix(".tar.zst") else {
            throw StartupRestoreError.outsideBackupDirectory(path: value, directory: directory)
        }
        return String(url.lastPathComponent.dropLast(".tar.zst".count))
    }

    /// Asks for the restore once the scheduler waits for an operator after total loss.
    static func requestWhenLost(_ id: String, core: SchedulerCore, logger: Logger) async {
        while !Task.isCancelled {
            if await core.phase == .awaitingOperator {
                for case .answer(let answer) in await core.request(.operatorRequestedRestore(backupID: id)) {
                    logger.notice("-restore-from \(id): \(answer.outcome): \(answer.message)")
                }
                return
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// `-allow-empty-cluster`: after total loss, start an empty cluster instead of waiting.
    static func allowEmptyStart(core: SchedulerCore, logger: Logger) async {
        while !Task.isCancelled {
            if await core.phase == .awaitingOperator {
                logger.warning("-allow-empty-cluster: every member is lost; starting an EMPTY cluster as asked")
                _ = await core.request(.operatorRequestedEmptyStart)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// Why `-restore-from` could not be used; the scheduler does not start.
enum StartupRestoreError: Error, CustomStringConvertible {
    case verificationFailed(id: String, reason: String)
    case outsideBackupDirectory(path: String, directory: String)

    var description: String {
        switch self {
        case .verificationFailed(let id, let reason):
            "-restore-from: backup \(id) cannot be used: \(reason)"
        case .outsideBackupDirectory(let path, let directory):
            "-restore-from: \(path) is not an archive in the backup directory \(directory); copy it and its .json "
                + "manifest there, or give a backup ID (etcd-mesos-restore list \(directory))"
        }
    }
}

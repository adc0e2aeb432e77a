import Backup
import Foundation
import Reconciler

/// `-restore-from` and `-allow-empty-cluster` as the reconciler's total-loss policy. When and how the backup
/// is used is the reconciler's decision (`TotalLossPolicy`); here the backup is only found and verified, so
/// that a scheduler given an unusable backup does not start at all.
enum StartupRestore {
    static func policy(
        restoreFrom: String?, allowEmptyCluster: Bool, store: BackupStore, remote: RemoteBackups?,
        clusterName: String
    ) async throws -> TotalLossPolicy {
        guard let restoreFrom else { return allowEmptyCluster ? .startEmpty : .waitForOperator }
        let id = try backupID(restoreFrom, store: store)
        // Only in the object store (a new host, an empty work dir): fetched and verified into the cache.
        if let remote, (try? store.entry(id: id)) == nil {
            do {
                try await remote.fetch(id, pin: true)
            } catch {
                throw StartupRestoreError.verificationFailed(
                    id: id, reason: "cannot fetch it from \(remote.location): \(error)")
            }
        }
        do {
            _ = try store.verify(id: id, expectedCluster: clusterName)
        } catch {
            throw StartupRestoreError.verificationFailed(id: id, reason: "\(error)")
        }
        return .restore(backupID: id)
    }

    /// The backup ID `-restore-from` names: an ID, or the path of an archive in the backup directory.
    static func backupID(_ value: String, store: BackupStore) throws -> String {
        guard value.contains("/") else { return value }
        let url = URL(fileURLWithPath: value).standardizedFileURL
        let directory = URL(fileURLWithPath: store.directory).standardizedFileURL.path
        guard url.deletingLastPathComponent().path == directory,
            url.lastPathComponent.hasSuffix(".tar.zst")
        else {
            throw StartupRestoreError.outsideBackupDirectory(path: value, directory: directory)
        }
        return String(url.lastPathComponent.dropLast(".tar.zst".count))
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

import Backup

/// Why a restore command stopped. Every case carries what the operator needs to act (path, backup ID, URL,
/// expected vs found), and maps to one documented exit code.
public enum RestoreFailure: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: Refused input (exit 1)

    /// The archive failed verification (see `BackupArchiveError` for the cases).
    case archive(BackupArchiveError)
    /// An encrypted archive could not be decrypted: wrong or missing key, truncated, reordered, tampered.
    case encryption(BackupEncryptionError)
    /// The path is missing or is not a regular file.
    case notAFile(path: String, reason: String)
    /// `<archive>.json` exists but cannot be decoded.
    case unreadableSidecar(path: String, reason: String)
    /// A backup directory cannot be listed.
    case store(BackupStoreError)
    /// etcd's own `snapshot status` disagrees with the manifest.
    case snapshotStatusDisagrees(path: String, field: String, manifest: String, tool: String)
    /// The target data dir exists and holds files.
    case targetNotEmpty(path: String, entries: [String])
    /// The target data dir exists and is not a directory.
    case targetNotDirectory(path: String)
    /// The target's parent directory does not exist.
    case parentMissing(path: String)
    /// The backup belongs to another cluster than the scheduler's.
    case wrongCluster(backup: String, backupCluster: String, schedulerCluster: String)
    /// A local archive whose ID the scheduler does not hold.
    case notOnScheduler(id: String, archive: String, scheduler: String)
    /// The scheduler holds a backup with this ID whose bytes differ from the local archive's.
    case schedulerCopyDiffers(
        id: String, archive: String, localSHA256: String, schedulerSHA256: String)
    /// Neither an existing file nor a backup ID.
    case notABackup(argument: String, reason: String)
    /// The scheduler knows no such backup (404).
    case backupUnknown(id: String, message: String)
    /// The scheduler's copy of the backup failed its verification (422).
    case backupRejected(id: String, message: String)
    /// The scheduler refused the restore (409), e.g. while members still run.
    case restoreRefused(message: String)
    /// After seeding, no member reached the snapshot's revision.
    case revisionBehind(snapshotRevision: Int64, memberRevisions: [String: Int64])

    // MARK: Scheduler (exit 3)

    case schedulerUnreachable(url: String, reason: String)
    /// The object store of an s3:// argument is unreachable, refused the credentials, lacks the bucket.
    case objectStore(location: String, reason: String)
    /// 401: the token is missing or wrong.
    case tokenRejected(url: String, tokenSent: Bool, message: String)
    /// Any other answer than the contract's.
    case schedulerAnswer(url: String, status: Int, message: String)

    // MARK: Timeout (exit 4)

    case timedOut(after: Duration, waitingFor: String, lastState: String)

    // MARK: Local (exit 5)

    /// No usable `etcdutl`/`etcdctl`.
    case toolMissing(searched: [String])
    /// The etcd tool ran and failed.
    case toolFailed(command: String, status: String, output: String)
    case fileSystem(operation: String, path: String, reason: String)
    /// An error this CLI has no better words for.
    case unexpected(reason: String)

    // MARK: Interrupted (exit 130)

    case interrupted
    /// Interrupted once `POST /restore` was sent; the scheduler carries on with a restore it accepted.
    case interruptedAfterRequest(backup: String, scheduler: String, accepted: Bool)

    /// The exit code the CLI ends with.
    public var exitCode: RestoreExitCode {
        switch self {
        case .archive, .encryption, .notAFile, .unreadableSidecar, .store, .snapshotStatusDisagrees,
            .targetNotEmpty,
            .targetNotDirectory, .parentMissing, .wrongCluster, .notOnScheduler,
            .schedulerCopyDiffers,
            .notABackup, .backupUnknown, .backupRejected, .restoreRefused, .revisionBehind:
            return .refused
        case .schedulerUnreachable, .tokenRejected, .schedulerAnswer, .objectStore:
            return .scheduler
        case .timedOut: return .timeout
        case .toolMissing, .toolFailed, .fileSystem, .unexpected: return .local
        case .interrupted, .interruptedAfterRequest: return .interrupted
        }
    }

    public var description: String {
        switch self {
        case .archive(let error): return "\(error)"
        case .encryption(let error): return "\(error)"
        case .notAFile(let path, let reason): return "\(path): \(reason)"
        case .unreadableSidecar(let path, let reason):
            return
                "the sidecar manifest \(path) is unreadable: \(reason) (move it away to verify the archive alone)"
        case .store(let error): return "\(error)"
        case .objectStore(let location, let reason): return "\(location): \(reason)"
        case .snapshotStatusDisagrees(let path, let field, let manifest, let tool):
            return
                "etcd's snapshot status of \(path) disagrees with its manifest: \(field) is \(tool), "
                + "the manifest says \(manifest)"
        case .targetNotEmpty(let path, let entries):
            let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
            let count = "\(entries.count) \(entries.count == 1 ? "entry" : "entries")"
            return
                "refusing to restore into \(path): it is not empty (\(count): \(shown)); give a new or empty directory"
        case .targetNotDirectory(let path):
            return "refusing to restore into \(path): it exists and is not a directory"
        case .parentMissing(let path):
            return "cannot restore into \(path): its parent directory does not exist"
        case .wrongCluster(let backup, let backupCluster, let schedulerCluster):
            return
                "backup \(backup) belongs to cluster \"\(backupCluster)\", but the scheduler runs cluster "
                + "\"\(schedulerCluster)\"; pass --force to seed from it anyway"
        case .notOnScheduler(let id, let archive, let scheduler):
            return
                "the scheduler at \(scheduler) does not hold backup \(id) (\(archive)); seeding needs a backup "
                + "the scheduler holds: copy \(archive) and its .json sidecar into the scheduler's backup "
                + "directory, then run `etcd-mesos-restore seed \(id) --scheduler \(scheduler)`"
        case .schedulerCopyDiffers(let id, let archive, let local, let scheduler):
            return
                "the scheduler's backup \(id) is not the file \(archive): its archive SHA-256 is \(scheduler), "
                + "the file's is \(local); pass --force to seed from the scheduler's copy"
        case .notABackup(let argument, let reason):
            return "\(argument) is neither an archive file nor a backup ID: \(reason)"
        case .backupUnknown(let id, let message):
            return
                "the scheduler holds no backup \(id): \(message) (see `etcd-mesos-restore list <scheduler>`)"
        case .backupRejected(let id, let message):
            return "the scheduler's copy of backup \(id) failed verification: \(message)"
        case .restoreRefused(let message): return "the scheduler refused the restore: \(message)"
        case .revisionBehind(let snapshot, let members):
            let found = members.sorted { $0.key < $1.key }.map { "\($0.key) at \($0.value)" }
                .joined(separator: ", ")
            return
                "the seeded cluster is behind the snapshot: the snapshot holds revision \(snapshot), "
                + "the members report \(found.isEmpty ? "nothing" : found)"
        case .schedulerUnreachable(let url, let reason):
            return "cannot reach the scheduler at \(url): \(reason)"
        case .tokenRejected(let url, let tokenSent, let message):
            return tokenSent
                ? "the scheduler at \(url) rejected the admin token (401: \(message)); check --token-file"
                : "the scheduler at \(url) needs the admin token (401: \(message)); pass --token-file with its "
                    + "-admin-token-file (by default <work-dir>/admin-token), or set "
                    + TokenOptions.environmentVariable
        case .schedulerAnswer(let url, let status, let message):
            return "unexpected answer from the scheduler (\(url)): HTTP \(status): \(message)"
        case .timedOut(let after, let waitingFor, let lastState):
            return
                "timed out after \(RestoreDuration.format(after)) waiting for \(waitingFor); last seen: \(lastState)"
        case .toolMissing(let searched):
            return
                "no etcd snapshot tool found (looked for etcdutl and etcdctl in \(searched.joined(separator: ", "))); "
                + "install etcd's tools or pass --etcd-bin-dir"
        case .toolFailed(let command, let status, let output):
            return "`\(command)` \(status)" + (output.isEmpty ? "" : ":\n\(output)")
        case .fileSystem(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .unexpected(let reason): return reason
        case .interrupted:
            return "interrupted by a signal; this command's temporary files were removed"
        case .interruptedAfterRequest(let backup, let scheduler, let accepted):
            return accepted
                ? "interrupted by a signal; the scheduler at \(scheduler) goes on restoring backup \(backup): "
                    + "follow it with GET \(scheduler)/stats, or run the same seed command again"
                : "interrupted by a signal while asking the scheduler at \(scheduler) to restore backup \(backup); "
                    + "it may have accepted: check GET \(scheduler)/stats before asking again"
        }
    }
}

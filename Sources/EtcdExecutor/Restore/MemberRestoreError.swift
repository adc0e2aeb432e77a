import Support

/// Why a member's data dir could not be restored from its backup; the description is the TASK_FAILED message,
/// so every case names the backup's URL (or the tool's command line) and what went wrong.
public enum MemberRestoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is neither http(s) nor a path.
    case unsupportedURL(url: String)
    /// The archive could not be fetched (connection refused, name unknown, read error, local file missing…).
    case fetchFailed(url: String, reason: String)
    /// The server answered something other than 200.
    case httpStatus(url: String, status: Int, body: String)
    /// The fetch did not finish in time.
    case fetchTimedOut(url: String, after: Duration)
    /// The archive's SHA-256 is not the one the scheduler sent.
    case archiveHashMismatch(url: String, expected: String, actual: String)
    /// The server sent (or announced), or the local file holds, more than the archive size the sidecar records;
    /// the download was cut off there.
    case archiveTooLarge(url: String, limit: UInt64, found: String)
    /// The archive is shorter than the size the sidecar records.
    case archiveSizeMismatch(url: String, expected: UInt64, actual: UInt64)
    /// The encrypted archive could not be opened with the archive key the task carries (wrong key, truncated,
    /// tampered with…).
    case decryptionFailed(url: String, reason: String)
    /// The archive failed its own checks (manifest, database hash, zstd or tar integrity).
    case invalidArchive(url: String, reason: String)
    /// Neither `etcdutl` nor `etcdctl` sits next to the etcd binary.
    case noRestoreTool(directory: String)
    /// `etcdutl`/`etcdctl snapshot restore` failed; `output` is the end of what it printed.
    case toolFailed(command: String, status: String, output: String)
    case toolTimedOut(command: String, after: Duration)
    /// A file operation in the sandbox failed.
    case fileSystem(operation: String, path: String, reason: String)
    /// The task was stopped (killed, shut down) during the restore.
    case stopped

    public var description: String {
        switch self {
        case .unsupportedURL(let url):
            return
                "cannot fetch the backup \(url): only http://, https://, file:// URLs and local paths are supported"
        case .fetchFailed(let url, let reason):
            return "cannot fetch the backup \(url): \(reason)"
        case .httpStatus(let url, let status, let body):
            let detail = body.isEmpty ? "" : ": \(body)"
            return "cannot fetch the backup \(url): the server answered HTTP \(status)\(detail)"
        case .fetchTimedOut(let url, let after):
            return
                "cannot fetch the backup \(url): it did not arrive within \(GoDuration.format(after))"
        case .archiveHashMismatch(let url, let expected, let actual):
            return
                "the backup \(url) has the wrong SHA-256 (sha256 mismatch): the scheduler expected \(expected), "
                + "the fetched archive has \(actual); it is damaged or not the backup that was asked for"
        case .archiveTooLarge(let url, let limit, let found):
            return
                "the backup \(url) is larger than its sidecar's \(limit) bytes (\(found)); the download "
                + "was cut off there and refused"
        case .archiveSizeMismatch(let url, let expected, let actual):
            return "the backup \(url) has \(actual) bytes, its sidecar records \(expected)"
        case .decryptionFailed(let url, let reason):
            return "cannot decrypt the backup \(url): \(reason)"
        case .invalidArchive(let url, let reason):
            return "the backup \(url) failed verification: \(reason)"
        case .noRestoreTool(let directory):
            return "cannot restore: neither etcdutl nor etcdctl is in \(directory), next to etcd"
        case .toolFailed(let command, let status, let output):
            let tail = output.isEmpty ? " and printed nothing" : "; its last lines:\n\(output)"
            return "`\(command)` \(status)\(tail)"
        case .toolTimedOut(let command, let after):
            return "`\(command)` did not finish within \(GoDuration.format(after))"
        case .fileSystem(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .stopped:
            return "the restore was stopped before it finished"
        }
    }
}

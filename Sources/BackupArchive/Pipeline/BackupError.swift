/// Why taking a backup failed. Nothing is left in the backup directory when one of these is thrown.
public enum BackupError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No member answered a status call, or none was given.
    case noSourceAvailable(reason: String)
    /// The snapshot stream from `endpoint` failed (the member died, stalled or refused).
    case streamFailed(endpoint: String, reason: String)
    /// The stream's last 32 bytes are not the SHA-256 of the bytes before them: it was cut short or damaged.
    case snapshotHashMismatch(endpoint: String, trailer: String, computed: String)
    /// The stream delivered a different number of bytes than it announced.
    case snapshotSizeMismatch(endpoint: String, announced: UInt64, received: UInt64)
    /// The stream is too short to hold even etcd's 32-byte hash.
    case snapshotTooShort(endpoint: String, bytes: UInt64)
    /// zstd refused its input or settings.
    case compressionFailed(reason: String)
    /// libarchive could not write the tar.
    case archiveWriteFailed(reason: String)
    /// A file operation on the backup directory failed.
    case fileSystem(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .noSourceAvailable(let reason):
            return "no etcd member to take a snapshot from: \(reason)"
        case .streamFailed(let endpoint, let reason):
            return "the snapshot stream from \(endpoint) failed: \(reason)"
        case .snapshotHashMismatch(let endpoint, let trailer, let computed):
            return
                "the snapshot from \(endpoint) is damaged or truncated: its trailing SHA-256 is \(trailer) "
                + "but the data before it hashes to \(computed)"
        case .snapshotSizeMismatch(let endpoint, let announced, let received):
            return
                "the snapshot from \(endpoint) announced \(announced) bytes but delivered \(received)"
        case .snapshotTooShort(let endpoint, let bytes):
            return
                "the snapshot from \(endpoint) has only \(bytes) bytes, fewer than etcd's 32-byte hash"
        case .compressionFailed(let reason):
            return "zstd compression failed: \(reason)"
        case .archiveWriteFailed(let reason):
            return "writing the tar archive failed: \(reason)"
        case .fileSystem(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        }
    }
}

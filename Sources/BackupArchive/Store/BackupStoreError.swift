/// Why the backup directory could not answer: a bad or unknown ID, or a file system failure.
public enum BackupStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The ID could address a file outside the backup directory, or is not an ID at all (HTTP 400).
    case invalidID(String, reason: String)
    /// No backup has this ID (HTTP 404).
    case notFound(id: String)
    /// A sidecar manifest exists but cannot be read or decoded.
    case unreadableManifest(path: String, reason: String)
    /// A file operation on the backup directory failed.
    case fileSystem(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidID(let id, let reason): return "\"\(id)\" is not a valid backup ID: \(reason)"
        case .notFound(let id): return "no backup with ID \"\(id)\""
        case .unreadableManifest(let path, let reason):
            return "cannot read the backup manifest \(path): \(reason)"
        case .fileSystem(let operation, let path, let reason):
            return "cannot \(operation) \(path): \(reason)"
        }
    }
}

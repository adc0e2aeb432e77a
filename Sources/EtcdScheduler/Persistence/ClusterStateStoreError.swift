import Support

/// Why the persisted state could not be read or written. `location` names the file or znode and, for
/// ZooKeeper, the ensemble.
public enum ClusterStateStoreError: Error, Equatable, CustomStringConvertible {
    /// The stored bytes are not a state this scheduler can read. Nothing was changed.
    case corrupt(location: String, reason: String)
    /// The state was written by a newer version of the scheduler, in a format this one does not know.
    case unsupportedFormat(location: String, format: Int, supported: Int)
    /// Someone else changed the state since this scheduler read it: most likely a second scheduler with the
    /// same framework name and persistence location.
    case concurrentModification(location: String)
    /// The store did not answer within `after` (ZooKeeper down or unreachable).
    case unavailable(location: String, operation: String, after: Duration, lastError: String)
    /// A file-system call failed.
    case fileSystem(path: String, operation: String, reason: String)
    /// ZooKeeper refused an operation for a reason retrying cannot fix (e.g. an ACL).
    case rejected(location: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let location, let reason):
            return
                "refusing to start: the persisted state in \(location) cannot be read (\(reason)). "
                + "It was left untouched. Fix it, or move it aside to start as a new framework "
                + "(only if the etcd cluster holds nothing you need: this forgets the framework ID and its tasks)"
        case .unsupportedFormat(let location, let format, let supported):
            return "refusing to start: the persisted state in \(location) has format \(format), "
                + "but this scheduler reads format \(supported) only (it was written by a newer version)"
        case .concurrentModification(let location):
            return
                "the persisted state in \(location) was changed by someone else since this scheduler read it; "
                + "is a second scheduler running with the same framework name? Stop one of them"
        case .unavailable(let location, let operation, let after, let lastError):
            return
                "\(location) did not answer within \(GoDuration.format(after)) (\(operation)): \(lastError)"
        case .fileSystem(let path, let operation, let reason):
            return "cannot \(operation) \(path): \(reason)"
        case .rejected(let location, let operation, let reason):
            return "ZooKeeper refused to \(operation) in \(location): \(reason)"
        }
    }
}

import Support

/// Why the scheduler could not start.
public enum SchedulerStartError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    /// The admin token's file is missing, unreadable, readable by others, or cannot be created.
    case adminToken(AdminTokenFileError)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .adminToken(let error): "\(error)"
        }
    }
}

import Reconciler

/// Where a flag's value came from, so an error can say which line of a deployment to fix.
public enum FlagOrigin: Sendable, Equatable {
    case commandLine
    /// A container environment variable that stands in for an absent flag (see `ContainerEnvironment`).
    case environment(String)
}

/// A command line the scheduler cannot run with. Every message names the flag (as `-flag`) and, when the
/// value came from the environment, the variable.
public enum SchedulerConfigurationError: Error, Equatable, CustomStringConvertible {
    /// `value` is not what `flag` takes; `expected` says what it takes.
    case invalidValue(flag: String, value: String, expected: String, origin: FlagOrigin)
    /// A required flag is absent; `reason` says when it is needed and what to give.
    case missing(flag: String, reason: String)
    /// Flags that cannot be used together as given.
    case conflict(flags: [String], reason: String)
    /// A file a flag names cannot be used.
    case unusableFile(flag: String, path: String, reason: String)
    /// A Go boolean flag followed by a separate value (`-auto-reseed false`), which Go's flag package
    /// would silently take as the end of the flags.
    case separatedBooleanValue(flag: String, value: String)
    /// The reconciler refused the policies the flags add up to (its message names the flag).
    case reconciler(ReconcilerConfigurationError)

    public var description: String {
        switch self {
        case .invalidValue(let flag, let value, let expected, let origin):
            let source: String
            switch origin {
            case .commandLine: source = ""
            case .environment(let variable): source = " (from the environment variable \(variable))"
            }
            return "-\(flag)=\(value)\(source): \(expected)"
        case .missing(let flag, let reason):
            return "-\(flag) is required: \(reason)"
        case .conflict(let flags, let reason):
            return flags.map { "-\($0)" }.joined(separator: " and ") + ": \(reason)"
        case .unusableFile(let flag, let path, let reason):
            return "-\(flag)=\(path): \(reason)"
        case .separatedBooleanValue(let flag, let value):
            return "-\(flag) is a boolean flag: write -\(flag)=\(value), not -\(flag) \(value) "
                + "(a bare -\(flag) means true)"
        case .reconciler(let error):
            return "\(error)"
        }
    }
}

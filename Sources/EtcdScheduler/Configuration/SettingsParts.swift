import Logging

/// The three programs the artifact server hands to agents (`-executor-bin`, `-etcd-bin`, `-etcdctl-bin`).
public struct SchedulerBinaries: Sendable, Equatable {
    public var executor: BinaryLocation
    public var etcd: BinaryLocation
    public var etcdctl: BinaryLocation

    public init(executor: BinaryLocation, etcd: BinaryLocation, etcdctl: BinaryLocation) {
        self.executor = executor
        self.etcd = etcd
        self.etcdctl = etcdctl
    }

    /// Each binary with the flag that sets it.
    var all: [(flag: String, location: BinaryLocation)] {
        [("executor-bin", executor), ("etcd-bin", etcd), ("etcdctl-bin", etcdctl)]
    }
}

/// A binary's path and whether the operator gave it. A default path that does not exist is looked for
/// elsewhere by `SchedulerSettings.resolvingLocalFiles`; a given one must exist.
public struct BinaryLocation: Sendable, Equatable {
    public var path: String
    public var isExplicit: Bool
    /// The file name looked for next to this program and on `PATH` when the default is missing.
    public var programName: String

    public init(path: String, isExplicit: Bool, programName: String) {
        self.path = path
        self.isExplicit = isExplicit
        self.programName = programName
    }
}

/// `-mesos-authentication-*`: the credential for the master. The v1 HTTP API takes it as HTTP Basic
/// authentication, whatever provider is named.
public struct MesosAuthentication: Sendable, Equatable {
    public var principal: String
    /// The file whose content is the secret; `nil` when only the principal is set (no credential sent).
    public var secretFile: String?
    /// `-mesos-authentication-provider`, kept for the log; the original's default is `SASL`.
    public var provider: String

    public init(principal: String, secretFile: String?, provider: String) {
        self.principal = principal
        self.secretFile = secretFile
        self.provider = provider
    }
}

/// The embedded Mesos of `-master=local`.
public struct LocalMesosSettings: Sendable, Equatable {
    /// `-local-agents`: agents on 127.0.0.2, 127.0.0.3, …
    public var agentCount: Int
    /// Where the agents put their sandboxes: `<work-dir>/agents`.
    public var workDirectory: String

    public init(agentCount: Int, workDirectory: String) {
        self.agentCount = agentCount
        self.workDirectory = workDirectory
    }
}

/// glog's flags, mapped onto swift-log. The scheduler always logs to stderr; `-log_dir` adds a file.
public struct LoggingSettings: Sendable, Equatable {
    /// `-log_dir`: also write the log to a file in this directory.
    public var directory: String?
    /// `-logtostderr`: glog's "stderr instead of files"; with it, `directory` is not written.
    public var toStderrOnly: Bool
    /// `-alsologtostderr`: accepted for compatibility; stderr is always written.
    public var alsoToStderr: Bool
    /// `-v`: glog's verbosity level.
    public var verbosity: Int

    public init(directory: String?, toStderrOnly: Bool, alsoToStderr: Bool, verbosity: Int) {
        self.directory = directory
        self.toStderrOnly = toStderrOnly
        self.alsoToStderr = alsoToStderr
        self.verbosity = verbosity
    }

    /// The directory to write a log file to, if any.
    public var fileDirectory: String? { toStderrOnly ? nil : directory }

    /// `-v=0` → info, `-v=1` → debug, `-v=2` or more → trace.
    public var logLevel: Logger.Level {
        switch verbosity {
        case ...0: .info
        case 1: .debug
        default: .trace
        }
    }
}

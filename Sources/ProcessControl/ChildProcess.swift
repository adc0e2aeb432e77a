import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started in its own process group, always reaped, and stopped as a group.
///
/// Executors under local agents, etcd under the executor and servers under tests all go through this type,
/// so that stopping a parent never leaves a grandchild running: `signal(_:)` and `terminate(gracePeriod:)`
/// address the whole process group, not only the leader.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): return "exited with code \(code)"
            case .signalled(let signal): return "killed by signal \(signal)"
            }
        }

        /// True for a clean `exit(0)`.
        public var isSuccess: Bool { self == .exited(0) }
    }

    /// The process ID of the group leader, which is also the process group ID.
    public let pid: pid_t
    /// What was started, for messages.
    public let commandLine: String

    private struct State {
        var status: ExitStatus?
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<ExitStatus?, Never>] = [:]
    }
    private let state = Mutex(State())

    private init(pid: pid_t, commandLine: String) {
        self.pid = pid
        self.commandLine = commandLine
    }

    /// Starts `executable` in a new process group.
    ///
    /// - Parameters:
    ///   - environment: the full environment of the child; `nil` inherits this process's.
    ///   - outputPath: a file that receives the child's stdout and stderr (appended); `nil` discards them.
    public static func launch(
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        outputPath: String? = nil
    ) throws -> ChildProcess {
        guard access(executable, X_OK) == 0 else {
            throw ChildProcessError.notExecutable(
                path: executable, reason: String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let output = outputPath ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let workingDirectory {
            cspawn_addchdir(&actions, workingDirectory)
        }
        // Descriptors the parent opened without CLOEXEC (sockets, files) must not leak into the child.
        cspawn_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // NIO and the Swift runtime ignore SIGPIPE; a child must start with default dispositions.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [executable] + arguments
        let envp = (environment ?? ProcessInfo.processInfo.environment).map {
            "\($0.key)=\($0.value)"
        }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envPointer in
                posix_spawn(&pid, executable, &actions, &attributes, argvPointer, envPointer)
            }
        }
        let commandLine = argv.joined(separator: " ")
        guard result == 0 else {
            throw ChildProcessError.spawnFailed(
                commandLine: commandLine, reason: String(cString: strerror(result)))
        }
        let child = ChildProcess(pid: pid, commandLine: commandLine)
        child.startReaper()
        return child
    }

    /// The absolute path of `name` found on `PATH` (or `name` itself when it holds a slash), if executable.
    public static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// The exit status, or `nil` while the child runs.
    public var exitStatus: ExitStatus? { state.withLock { $0.status } }

    /// Sends `signal` to every process in the child's group. Does nothing once the group is gone.
    public func signal(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Waits until the group leader has exited and been reaped.
    public func waitForExit() async -> ExitStatus {
        while true {
            if let status = await exitOrCancellation() { return status }
            // Only a cancelled task gets here; it still owes its caller the exit status.
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits at most `timeout` for the exit; `nil` if the child still runs then.
    public func waitForExit(timeout: Duration) async -> ExitStatus? {
        await withTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { await self.exitOrCancellation() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? self.exitStatus
        }
    }

    /// The exit status once the child is reaped, or `nil` as soon as the calling task is cancelled.
    private func exitOrCancellation() async -> ExitStatus? {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: ExitStatus?? = state.withLock { state in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    /// SIGTERM to the group, SIGKILL to the group after `gracePeriod`, then waits for the exit.
    ///
    /// The group gets a final SIGKILL even after a graceful exit, so that no grandchild outlives its parent.
    @discardableResult
    public func terminate(gracePeriod: Duration) async -> ExitStatus {
        if exitStatus == nil {
            signal(SIGTERM)
            if await waitForExit(timeout: gracePeriod) == nil {
                signal(SIGKILL)
            }
        }
        let status = await waitForExit()
        signal(SIGKILL)
        return status
    }

    private func startReaper() {
        let thread = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            let status: ExitStatus =
                (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signalled(raw & 0x7f)
            let waiters = state.withLock { state in
                state.status = status
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters.values { waiter.resume(returning: status) }
        }
        thread.name = "reaper-\(pid)"
        thread.start()
    }
}

/// Why a child could not be started.
public enum ChildProcessError: Error, CustomStringConvertible {
    case notExecutable(path: String, reason: String)
    case spawnFailed(commandLine: String, reason: String)

    public var description: String {
        switch self {
        case .notExecutable(let path, let reason): return "cannot execute \(path): \(reason)"
        case .spawnFailed(let commandLine, let reason):
            return "cannot start `\(commandLine)`: \(reason)"
        }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings, valid only during the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R)
    -> R
{
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

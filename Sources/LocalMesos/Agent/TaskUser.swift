import Foundation
import ProcessControl

#if canImport(Glibc)
    import Glibc
#endif

/// The user an executor runs as, as a Mesos agent with `--switch_user` (its default) decides it: the
/// executor command's `user`, else `FrameworkInfo.user` (slave.cpp, `Framework::addExecutor`). The sandbox is
/// chowned to that user before anything runs in it (slave/paths.cpp, `createExecutorDirectory`), and the
/// executor is started as that user — here through util-linux `setpriv`, where a real agent calls `os::su`.
struct TaskUser: Sendable, Equatable {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// The user named `name`, or the agent's message when there is none: stout's `os::chown` error as
    /// `createExecutorDirectory` wraps it.
    static func resolve(_ name: String) -> Result<TaskUser, TaskUserError> {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        let status = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
        guard status == 0, found != nil else {
            let reason =
                status == 0
                ? "No such user '\(name)'"
                : "Failed to get user information for '\(name)': \(String(cString: strerror(status)))"
            return .failure(
                TaskUserError(description: "Failed to chown directory to '\(name)': \(reason)"))
        }
        return .success(TaskUser(name: name, uid: entry.pw_uid, gid: entry.pw_gid))
    }

    /// Gives `directory` and everything in it to this user (the agent's own user may only keep it).
    func own(_ directory: String) -> TaskUserError? {
        let paths =
            [directory]
            + ((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? [])
            .map { directory + "/" + $0 }
        for path in paths where lchown(path, uid, gid) != 0 {
            return TaskUserError(
                description:
                    "Failed to chown directory to '\(name)': \(String(cString: strerror(errno)))")
        }
        return nil
    }

    /// `executable arguments` run as this user: unchanged when the agent already is this user, else through
    /// `setpriv` (which only root may use to switch; `own` has already refused anyone else).
    func command(_ executable: String, _ arguments: [String]) -> Result<
        (String, [String]), TaskUserError
    > {
        guard uid != geteuid() else { return .success((executable, arguments)) }
        guard let setpriv = ChildProcess.findExecutable("setpriv") else {
            return .failure(
                TaskUserError(
                    description: "Failed to switch to user '\(name)': setpriv is not installed"))
        }
        return .success(
            (
                setpriv,
                ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable] + arguments
            ))
    }
}

/// Why an executor cannot run as its task's user; the text is the real agent's.
struct TaskUserError: Error, Sendable, Equatable, CustomStringConvertible {
    let description: String
}

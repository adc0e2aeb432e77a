import ProcessControl

/// Paths an agent's executors must not see: each executor runs in its own mount namespace (as under Mesos'
/// `filesystem/linux` isolator) with an empty, read-only tmpfs over each path. It makes one machine look like
/// an agent host that lacks those files — a stock Linux agent with no Swift toolchain, for instance.
/// Mounting needs root (CAP_SYS_ADMIN), as the real isolator does.
enum HiddenPaths {
    /// `executable arguments` wrapped so that it starts with `paths` hidden: `unshare` gives it a private
    /// mount namespace, a shell mounts over each path, then execs the command (the same process, so signals
    /// and the exit status are the command's).
    static func wrap(_ paths: [String], _ executable: String, _ arguments: [String]) -> Result<
        (String, [String]), HiddenPathsError
    > {
        guard !paths.isEmpty else { return .success((executable, arguments)) }
        guard let unshare = ChildProcess.findExecutable("unshare") else {
            return .failure(HiddenPathsError(description: "unshare (util-linux) is not installed"))
        }
        // The paths are positional parameters, so no path is ever parsed as shell text.
        let script = #"""
            count=$1; shift
            while [ "$count" -gt 0 ]; do
                mount -t tmpfs -o ro,size=4k,mode=0755 hidden "$1" || exit 127
                shift; count=$((count - 1))
            done
            exec "$@"
            """#
        return .success(
            (
                unshare,
                ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh"]
                    + [String(paths.count)] + paths + [executable] + arguments
            ))
    }
}

/// Why an executor could not be started with its paths hidden.
struct HiddenPathsError: Error, Sendable, CustomStringConvertible {
    let description: String
}

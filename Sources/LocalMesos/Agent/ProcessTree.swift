import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The processes below a process, read from /proc, so that killing an executor also kills what it started in
/// other process groups (etcd under the etcd executor) — a real agent's container does the same with cgroups.
public enum ProcessTree {
    /// Every live descendant of `root` (not `root` itself).
    public static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return []
        }
        for entry in entries {
            guard let pid = pid_t(entry), let parent = parentPID(of: pid) else { continue }
            children[parent, default: []].append(pid)
        }
        var result: [pid_t] = []
        var pending = children[root] ?? []
        while let next = pending.popLast() {
            result.append(next)
            pending += children[next] ?? []
        }
        return result
    }

    /// SIGKILLs `root`'s process group and every descendant.
    static func killAll(under root: pid_t) {
        let below = descendants(of: root)
        _ = kill(-root, SIGKILL)
        for pid in below { _ = kill(pid, SIGKILL) }
    }

    private static func parentPID(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state, ppid, …
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }
}

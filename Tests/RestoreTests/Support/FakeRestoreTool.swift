import EtcdMesosTesting
import Foundation

/// A stand-in for etcdctl in its own directory (for `--etcd-bin-dir`) whose `snapshot restore` writes part of
/// a data dir and then fails or hangs, as a real tool can on a full disk or a stuck file system: the only way to
/// see what the CLI leaves behind when etcd's tool breaks halfway.
struct FakeRestoreTool {
    enum Behaviour: String {
        case fails, hangs
    }

    let directory: TemporaryDirectory
    /// Where the fake writes its process ID once its restore started.
    var pidFile: String { directory.appending("restore.pid") }

    init(_ behaviour: Behaviour) throws {
        directory = try TemporaryDirectory(prefix: "fake-etcdctl")
        let ending =
            behaviour == .fails
            ? "echo 'Error: write member/snap/db: no space left on device' >&2; exit 1"
            : "exec sleep 60"
        let script = """
            #!/bin/sh
            case "$1" in
              version) echo "etcdctl version: 3.4.23"; echo "API version: 3.4" ;;
              snapshot)
                [ "$3" = "--help" ] && { echo "--data-dir --name --initial-cluster"; exit 0; }
                data=""; previous=""
                for argument in "$@"; do [ "$previous" = "--data-dir" ] && data="$argument"; previous="$argument"; done
                mkdir -p "$data/member/snap" && echo partial > "$data/member/snap/db"
                echo $$ > "\(pidFile)"
                \(ending) ;;
              *) exit 2 ;;
            esac
            """
        let path = directory.appending("etcdctl")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// True while the process that wrote `pidFile` still exists.
    var restoreIsRunning: Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            return false
        }
        return kill(pid, 0) == 0
    }

    func remove() { directory.remove() }
}

import EtcdMesosTesting
import Foundation
import ProcessControl

/// Runs Debian's `etcdctl` (v3 API) and reads its JSON, to compare what etcd's own tool sees.
enum EtcdctlRunner {
    struct Member: Decodable {
        var name: String?
    }

    private struct MemberListOutput: Decodable {
        var members: [Member]
    }

    /// The names of the members etcdctl lists (empty for an added member that has not started).
    static func memberNames(endpoint: String) async throws -> [String] {
        let directory = try TemporaryDirectory(prefix: "etcdctl")
        defer { directory.remove() }
        let output = directory.appending("out.json")
        let process = try ChildProcess.launch(
            executable: "/usr/bin/etcdctl",
            arguments: ["--endpoints=\(endpoint)", "-w", "json", "member", "list"],
            environment: ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"], outputPath: output)
        guard await process.waitForExit() == .exited(0) else {
            throw SchedulerTestError(
                "etcdctl member list failed: \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")"
            )
        }
        let decoded = try JSONDecoder().decode(
            MemberListOutput.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        return decoded.members.map { $0.name ?? "" }
    }
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI

/// A running local Mesos for a test, with agents on free ports of 127.0.0.2, … and a work directory that is
/// removed afterwards, plus the test executor script in it.
struct ClusterHarness: Sendable {
    let cluster: LocalCluster
    let workDirectory: String
    let executorPath: String

    var url: String { cluster.url }

    static func withCluster<T: Sendable>(
        agents: Int = 1, master: MasterConfiguration = MasterConfiguration(),
        customizeAgent: @escaping @Sendable (inout AgentConfiguration) -> Void = { _ in },
        _ body: @Sendable (ClusterHarness) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "local-mesos-test")
        defer { directory.remove() }
        let executorPath = directory.appending("test-executor.py")
        try TestExecutorScript.source.write(toFile: executorPath, atomically: true, encoding: .utf8)
        chmod(executorPath, 0o755)
        let configuration = LocalClusterConfiguration(
            port: try FreePort.allocate(), agentCount: agents,
            agentPorts: try (0..<agents).map { try FreePort.allocate(host: "127.0.0.\($0 + 2)") },
            workDirectory: directory.appending("work"), master: master,
            customizeAgent: customizeAgent)
        return try await LocalCluster.withRunning(configuration) { cluster in
            try await body(
                ClusterHarness(
                    cluster: cluster, workDirectory: directory.path, executorPath: executorPath))
        }
    }

    /// A task running the test executor (`shell: false`, argv given in full), with an extra variable.
    func executorTask(_ id: String, on offer: Offer, data: String? = nil) -> TaskInfo {
        TaskInfo(
            name: id, taskID: TaskID(id), agentID: offer.agentID,
            resources: [
                .scalar("cpus", 0.5), .scalar("mem", 128), .ranges("ports", [31000...31001]),
            ],
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID("\(id).exec"),
                command: CommandInfo(
                    value: executorPath, arguments: ["test-executor", "--flag"], shell: false,
                    environment: Environment(["ETCD_CLUSTER": "test"])),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)], name: "test-executor"),
            data: data.map { Data($0.utf8) })
    }

    func commandTask(_ id: String, on offer: Offer, _ command: String, uris: [CommandInfo.URI] = [])
        -> TaskInfo
    {
        TaskInfo(
            name: id, taskID: TaskID(id), agentID: offer.agentID,
            resources: [.scalar("cpus", 0.1), .scalar("mem", 32)],
            command: CommandInfo(value: command, uris: uris))
    }

    /// The executor's recorded environment, once it has written it.
    func executorEnvironment(sandboxUnder agent: AgentID, framework: FrameworkID, executor: String)
        async throws -> [String: Any]
    {
        let runs = [
            workDirectory, "work", "slaves", agent.value, "frameworks", framework.value,
            "executors", executor, "runs",
        ]
        .joined(separator: "/")
        var found: [String: Any]?
        try await eventually("the executor to write env.json") {
            guard let run = try? FileManager.default.contentsOfDirectory(atPath: runs).first,
                let data = FileManager.default.contents(atPath: "\(runs)/\(run)/env.json"),
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return false }
            found = object
            return true
        }
        return found!
    }
}

/// True while a process with `pid` exists (and is not a zombie).
func processExists(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
        return false
    }
    guard let close = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

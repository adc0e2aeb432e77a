import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import TaskContract

/// A local Mesos for one executor test, running the real `etcd-mesos-executor` binary under its agents.
///
/// Tests run in parallel, with other suites' clusters too: each cluster gets its own block of loopback
/// addresses (lent by `LoopbackBlocks`, returned afterwards) and each agent offers only
/// three ports that were free on its address, the member's peer, client and reseed ports.
struct ExecutorTestCluster: Sendable {
    let cluster: LocalCluster
    let workDirectory: String
    let executorBinary: String
    /// Agent `i` serves and offers on `agentHosts[i]`.
    let agentHosts: [String]
    /// Peer, client and reseed port, the same on every agent (each agent has its own address).
    let peerPort: Int
    let clientPort: Int
    let reseedPort: Int

    var masterURL: String { cluster.url }

    static func withCluster<T: Sendable>(
        agents: Int, _ body: @Sendable (ExecutorTestCluster) async throws -> T
    ) async throws -> T {
        precondition(
            agents <= LoopbackBlocks.blockSize, "an executor test cluster has at most 8 agents")
        return try await LoopbackBlocks.withBlock { first in
            try await withCluster(agents: agents, firstAddress: first, body)
        }
    }

    private static func withCluster<T: Sendable>(
        agents: Int, firstAddress first: Int,
        _ body: @Sendable (ExecutorTestCluster) async throws -> T
    ) async throws -> T {
        let executorBinary = try BuildProducts.executable("etcd-mesos-executor")
        let hosts = (0..<agents).map { "127.0.0.\(first + $0)" }
        var memberPorts: Set<Int> = []
        while memberPorts.count < 3 { memberPorts.insert(try FreePort.allocate(host: hosts[0])) }
        let ports = memberPorts.sorted()
        let directory = try TemporaryDirectory(prefix: "executor-tests")
        defer { directory.remove() }
        var logger = Logger(label: "executor-tests-mesos")
        logger.logLevel = .warning
        let configuration = LocalClusterConfiguration(
            port: try FreePort.allocate(), agentCount: agents,
            agentPorts: try hosts.map { try FreePort.allocate(host: $0) }, firstAgentAddress: first,
            workDirectory: directory.path, cpus: 2, mem: 1024, disk: 1024,
            ports: ports.map { UInt64($0)...UInt64($0) })
        return try await LocalCluster.withRunning(configuration, logger: logger) { cluster in
            try await body(
                ExecutorTestCluster(
                    cluster: cluster, workDirectory: directory.path, executorBinary: executorBinary,
                    agentHosts: hosts,
                    peerPort: ports[0], clientPort: ports[1], reseedPort: ports[2]))
        }
    }

    /// The member `name` on `host`, with this cluster's ports.
    func member(_ name: String, on host: String) -> EtcdTaskData.Member {
        EtcdTaskData.Member(
            name: name, host: host, rpcPort: peerPort, clientPort: clientPort, httpPort: reseedPort)
    }

    /// A task running `data`'s member under the executor, on `offer`'s agent; `rawData` replaces the encoded
    /// task data (to send something broken); `etcdBinary` is the executor's `-etcd-bin`, and `executorFlags` are
    /// added to its command line.
    func task(
        _ data: EtcdTaskData, on offer: Offer, launchTimeout: String = "60s", rawData: Data? = nil,
        etcdBinary: String = "/usr/bin/etcd", executorFlags: [String] = []
    ) throws -> TaskInfo {
        let member = data.member
        return TaskInfo(
            name: "etcd-server",
            taskID: TaskID("\(member.name) \(member.host) \(peerPort) \(clientPort) \(reseedPort)"),
            agentID: offer.agentID,
            resources: [
                .scalar("cpus", 0.2), .scalar("mem", 128),
                .ranges(
                    "ports", [peerPort, clientPort, reseedPort].map { UInt64($0)...UInt64($0) }),
            ],
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID(member.name),
                command: CommandInfo(
                    value: executorBinary,
                    arguments: [
                        "./etcd-mesos-executor", "-log_dir=./", "-etcd-bin=\(etcdBinary)",
                        "-launch-timeout=\(launchTimeout)",
                    ] + executorFlags,
                    shell: false),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)], name: "etcd"),
            data: try rawData ?? data.encoded())
    }

    /// The executor's stderr and the end of etcd's log for `member`, for failure messages.
    func diagnostics(_ member: String) -> String {
        let executors =
            FileManager.default.enumerator(atPath: workDirectory)?.compactMap { $0 as? String }
            ?? []
        let runs = executors.filter { $0.contains("/executors/\(member)/runs/") }
        var text = ""
        for file in runs where file.hasSuffix("/stderr") || file.hasSuffix("/etcd.log") {
            let content =
                (try? String(contentsOfFile: "\(workDirectory)/\(file)", encoding: .utf8)) ?? ""
            text +=
                "--- \(file):\n" + content.split(separator: "\n").suffix(30).joined(separator: "\n")
                + "\n"
        }
        return text
    }
}

/// Unique member names, so tests can find their own etcd processes.
func memberName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import ProcessControl

/// Local Mesos with several masters for an end-to-end test (one leads: the first, or the one ZooKeeper
/// elects), in the test process so the test can stop the leading master, with agents on their own block of
/// loopback addresses as in `TestMesos`.
enum MultiMasterMesos {
    static func withCluster<T: Sendable>(
        masters: Int, agents: Int, zooKeeper: ZooKeeperMasterAddress? = nil,
        _ body: @Sendable (LocalCluster) async throws -> T
    ) async throws -> T {
        BrokenPipes.ignore()
        return try await LoopbackBlocks.withBlock { first in
            let directory = try TemporaryDirectory(prefix: "e2e-masters")
            defer { directory.remove() }
            var logger = Logger(label: "test-mesos")
            logger.logLevel = .warning
            let configuration = LocalClusterConfiguration(
                masterCount: masters,
                masterPorts: try (0..<masters).map { _ in try FreePort.allocate() },
                agentCount: agents,
                agentPorts: try (0..<agents).map {
                    try FreePort.allocate(host: "127.0.0.\(first + $0)")
                },
                firstAgentAddress: first, workDirectory: directory.path, cpus: 2, mem: 2048,
                disk: 4096, ports: [31000...31100],
                master: MasterConfiguration(agentReregisterTimeoutSeconds: 10),
                zooKeeper: zooKeeper)
            return try await LocalCluster.withRunning(configuration, logger: logger, body)
        }
    }

    /// The frameworks connected now, and through which master each one's stream was opened.
    static func connectedFrameworks(_ mesos: LocalCluster) async -> [(id: String, via: String?)] {
        let state = await mesos.master.master.snapshot
        return state.frameworks.values.compactMap { framework in
            guard let stream = framework.streamID else { return nil }
            let via = mesos.masters.first { $0.leadership.hasOpened(stream) }?.url
            return (framework.id.value, via)
        }
    }

    /// Tasks not terminal at the master, over every framework.
    static func activeTaskIDs(_ mesos: LocalCluster) async -> Set<String> {
        let state = await mesos.master.master.snapshot
        return Set(
            state.frameworks.values.flatMap { $0.tasks.values }.filter { !$0.state.isTerminal }.map
            {
                $0.info.taskID.value
            })
    }
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import ProcessControl

/// Local Mesos for an end-to-end test, in the test process so the test can kill and restart agents, and
/// independent of the scheduler process so the scheduler can die and come back.
///
/// Tests run in parallel: each cluster gets its own block of loopback addresses (agents 127.0.0.<n>…) and
/// free ports, so etcd members of different tests never meet.
enum TestMesos {
    static func withCluster<T: Sendable>(
        agents: Int,
        customizeAgent: @escaping @Sendable (inout AgentConfiguration) -> Void = { _ in },
        _ body: @Sendable (LocalCluster) async throws -> T
    ) async throws -> T {
        BrokenPipes.ignore()  // an HTTP peer hanging up must not kill the test process
        precondition(
            agents <= LoopbackBlocks.blockSize,
            "a test cluster has at most \(LoopbackBlocks.blockSize) agents")
        return try await LoopbackBlocks.withBlock { first in
            try await withCluster(
                agents: agents, firstAddress: first, customizeAgent: customizeAgent, body)
        }
    }

    private static func withCluster<T: Sendable>(
        agents: Int, firstAddress first: Int,
        customizeAgent: @escaping @Sendable (inout AgentConfiguration) -> Void,
        _ body: @Sendable (LocalCluster) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "e2e-mesos")
        defer { directory.remove() }
        var logger = Logger(label: "test-mesos")
        logger.logLevel = .warning
        let configuration = LocalClusterConfiguration(
            port: try FreePort.allocate(), agentCount: agents,
            agentPorts: try (0..<agents).map {
                try FreePort.allocate(host: "127.0.0.\(first + $0)")
            },
            firstAgentAddress: first, workDirectory: directory.path, cpus: 2, mem: 2048, disk: 4096,
            ports: [31000...31100],
            master: MasterConfiguration(agentReregisterTimeoutSeconds: 10),
            customizeAgent: customizeAgent)
        return try await LocalCluster.withRunning(configuration, logger: logger, body)
    }
}

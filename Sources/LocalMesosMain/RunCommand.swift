import ArgumentParser
import Foundation
import LocalMesos
import Logging
import MesosAPI
import ProcessControl
import ServiceLifecycle

/// Runs a master and agents until SIGTERM or SIGINT, then stops every executor (and what it started) and exits.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a local Mesos master and agents until SIGTERM/SIGINT.")

    @Option(help: "Address the master listens on.") var host = "127.0.0.1"
    @Option(help: "Port of the (first) master.") var port = 5050
    @Option(
        help: """
            Number of masters, on consecutive ports from --port. One leads (elected through --zk when given, \
            else the first); the others answer as standbys (307 to the leader, 503 while none leads).
            """)
    var masters = 1
    @Option(help: "Number of agents (127.0.0.2, 127.0.0.3, …).") var agents = 3
    @Option(help: "Port every agent listens on (each on its own address).") var agentPort = 5051
    @Option(help: "Last octet of the first agent's address.") var firstAgentAddress = 2
    @Option(
        help: "Directory for the agents' sandboxes (default: a new directory under the temp dir).")
    var workDir: String?
    @Option(
        help: "Register the masters in ZooKeeper to elect a leader: zk://127.0.0.1:2181/mesos")
    var zk: String?
    @Option(help: "CPUs per agent.") var cpus = 4.0
    @Option(help: "Memory per agent, MB.") var mem = 4096.0
    @Option(help: "Disk per agent, MB.") var disk = 10240.0
    @Option(help: "Port ranges per agent, e.g. 31000-32000 or 31000-31500,32000-32100.") var ports =
        "31000-32000"
    @Option(
        help: """
            Every agent's resources in Mesos' --resources syntax: text like 'cpus:4;mem:4096;disk(prod):1024' \
            or a JSON array of Resource objects (for PATH/MOUNT disks). cpus, mem, disk and ports it does not \
            mention come from --cpus, --mem, --disk, --ports.
            """)
    var resources: String?
    @Option(help: "Seconds between HEARTBEAT events.") var heartbeatInterval = 15.0
    @Option(help: "Seconds a disconnected agent has to come back before its tasks are lost.")
    var agentReregisterTimeout = 75.0
    @Option(help: "Environment for every executor, NAME=VALUE (repeatable).") var executorEnv:
        [String] = []
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel =
        "info"

    func run() async throws {
        var configuredLogger = Logger(label: "etcd-mesos-local")
        configuredLogger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let logger = configuredLogger
        guard masters >= 1 else {
            throw ValidationError("--masters wants at least 1, got \(masters)")
        }
        let portRanges = try Self.parseRanges(ports)
        var pairs: [String: String] = [:]
        for pair in executorEnv {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("--executor-env wants NAME=VALUE, got '\(pair)'")
            }
            pairs[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let environment = pairs
        let agentResources = resources
        if let agentResources {
            do {
                _ = try AgentResourcesFlag.parse(
                    agentResources,
                    defaults: ResourceBag(cpus: cpus, mem: mem, disk: disk, ports: portRanges))
            } catch {
                throw ValidationError("--resources: \(error)")
            }
        }
        let zooKeeper = try zk.map { text -> ZooKeeperMasterAddress in
            do { return try ZooKeeperMasterAddress(parsing: text) } catch {
                throw ValidationError("--zk: \(error)")
            }
        }
        let directory = workDir ?? (NSTemporaryDirectory() + "etcd-mesos-local-\(getpid())")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)

        let configuration = LocalClusterConfiguration(
            host: host, port: port, masterCount: masters, agentCount: agents,
            agentPorts: Array(repeating: agentPort, count: agents),
            firstAgentAddress: firstAgentAddress,
            workDirectory: directory, cpus: cpus, mem: mem, disk: disk, ports: portRanges,
            master: MasterConfiguration(
                heartbeatIntervalSeconds: heartbeatInterval,
                agentReregisterTimeoutSeconds: agentReregisterTimeout),
            zooKeeper: zooKeeper,
            customizeAgent: {
                $0.executorEnvironment = environment
                $0.resources = agentResources
            })
        let cluster = LocalMesosService(configuration: configuration, logger: logger) { url in
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
            logger.info(
                "local Mesos master(s) at \(url) with \(configuration.agentCount) agents; sandboxes under \(directory)"
            )
        }
        // SIGTERM/SIGINT shut the group down gracefully: every executor (and what it started), then the master.
        try await ServiceGroup(
            services: [cluster], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ).run()
        logger.info("stopped every executor and the master")
    }

    /// `31000-32000,33000-33010` as ranges.
    static func parseRanges(_ text: String) throws -> [ClosedRange<UInt64>] {
        try text.split(separator: ",").map { part in
            let bounds = part.split(separator: "-").map {
                UInt64($0.trimmingCharacters(in: .whitespaces))
            }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high else {
                throw ValidationError("--ports wants ranges like 31000-32000, got '\(part)'")
            }
            return low...high
        }
    }
}

/// A local Mesos (master and agents) as a service: runs until graceful shutdown, then stops everything.
struct LocalMesosService: Service {
    let configuration: LocalClusterConfiguration
    let logger: Logger
    let onReady: @Sendable (String) -> Void

    func run() async throws {
        try await LocalCluster.withRunning(configuration, logger: logger) { cluster in
            onReady(cluster.masterURLs)
            try? await gracefulShutdown()
        }
    }
}

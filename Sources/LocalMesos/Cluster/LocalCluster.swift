import Foundation
import Logging
import MesosAPI

/// Settings for a local Mesos: `masterCount` masters (one leads) and `agentCount` agents on 127.0.0.2,
/// 127.0.0.3, …
public struct LocalClusterConfiguration: Sendable {
    /// Address of the masters, and port of the first.
    public var host: String
    public var port: Int
    /// How many masters run; they contend for leadership (through `zooKeeper` when set, else the first leads).
    public var masterCount: Int
    /// Port of each master, by index; masters without an entry use `port + index` (consecutive ports).
    public var masterPorts: [Int]
    public var agentCount: Int
    /// Port of each agent, by index; agents without an entry use 5051 (each agent has its own address).
    public var agentPorts: [Int]
    /// The first agent's last address octet: agents are 127.0.0.<first>, 127.0.0.<first+1>, …
    public var firstAgentAddress: Int
    public var workDirectory: String
    public var cpus: Double
    public var mem: Double
    public var disk: Double
    public var ports: [ClosedRange<UInt64>]
    public var master: MasterConfiguration
    /// Where the masters register and elect their leader (`zk://host:port/mesos`), if anywhere.
    public var zooKeeper: ZooKeeperMasterAddress?
    /// Applied to every agent's configuration after the fields above (registration timeout, environment, …).
    public var customizeAgent: @Sendable (inout AgentConfiguration) -> Void

    public init(
        host: String = "127.0.0.1", port: Int = 5050, masterCount: Int = 1, masterPorts: [Int] = [],
        agentCount: Int = 3, agentPorts: [Int] = [],
        firstAgentAddress: Int = 2, workDirectory: String, cpus: Double = 4, mem: Double = 4096,
        disk: Double = 10240, ports: [ClosedRange<UInt64>] = [31000...32000],
        master: MasterConfiguration = MasterConfiguration(),
        zooKeeper: ZooKeeperMasterAddress? = nil,
        customizeAgent: @escaping @Sendable (inout AgentConfiguration) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.masterCount = max(1, masterCount)
        self.masterPorts = masterPorts
        self.agentCount = agentCount
        self.agentPorts = agentPorts
        self.firstAgentAddress = firstAgentAddress
        self.workDirectory = workDirectory
        self.cpus = cpus
        self.mem = mem
        self.disk = disk
        self.ports = ports
        self.master = master
        self.zooKeeper = zooKeeper
        self.customizeAgent = customizeAgent
    }

    /// The port of master `index` (0-based).
    public func masterPort(_ index: Int) -> Int {
        index < masterPorts.count ? masterPorts[index] : port + index
    }

    /// The configuration of agent `index` (0-based).
    public func agentConfiguration(_ index: Int) -> AgentConfiguration {
        var configuration = AgentConfiguration(
            hostname: "127.0.0.\(firstAgentAddress + index)",
            port: index < agentPorts.count ? agentPorts[index] : 5051, cpus: cpus, mem: mem,
            disk: disk,
            ports: ports, workDirectory: workDirectory)
        customizeAgent(&configuration)
        return configuration
    }
}

/// A running local Mesos: the masters and their agents. `withRunning` stops everything, executors included,
/// however its body ends.
public struct LocalCluster: Sendable {
    private let masterSet: LocalMasterSet
    public let agents: [LocalAgent]

    /// The first master (the leader unless it was stopped or ZooKeeper elected another).
    public var master: EmbeddedMaster { masterSet.masters[0] }
    /// Every master, by index, a restarted one in its predecessor's place; they share one state
    /// (`master.master`).
    public var masters: [EmbeddedMaster] { masterSet.masters }
    /// `http://host:port` of the first master.
    public var url: String { master.url }
    /// `http://host:port` of every master, comma-separated: the form `--master` takes a list in.
    public var masterURLs: String { masters.map(\.url).joined(separator: ",") }
    /// The master that leads now, if any.
    public var leader: EmbeddedMaster? { masters.first { $0.isLeading } }

    /// Restarts master `index` as an operator restarts `mesos-master`: the process is killed (its
    /// subscription streams end, it leaves the election), and after `downtime` a new one serves the same
    /// address and contends again. Returns the new master once a master leads and every master knows it.
    @discardableResult
    public func restartMaster(_ index: Int, after downtime: Duration = .zero) async throws
        -> EmbeddedMaster
    {
        try await masterSet.restart(index, after: downtime)
    }

    public static func withRunning<T: Sendable>(
        _ configuration: LocalClusterConfiguration, logger: Logger = Logger(label: "local-mesos"),
        _ body: @Sendable (LocalCluster) async throws -> T
    ) async throws -> T {
        let addresses = (0..<configuration.masterCount).map {
            (host: configuration.host, port: configuration.masterPort($0))
        }
        return try await LocalMasterSet.withRunning(
            addresses: addresses, configuration: configuration.master,
            zooKeeper: configuration.zooKeeper, logger: logger
        ) { masterSet in
            let shared = masterSet.shared
            let agents = (0..<configuration.agentCount).map { index in
                LocalAgent(
                    configuration: configuration.agentConfiguration(index), master: shared,
                    logger: logger)
            }
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for agent in agents { group.addTask { await agent.run() } }
                let result: Result<T, any Error>
                do {
                    for agent in agents { try await agent.start() }
                    result = .success(
                        try await body(
                            LocalCluster(masterSet: masterSet, agents: agents)))
                } catch {
                    result = .failure(error)
                }
                for agent in agents { group.addTask { await agent.stop() } }
                try await group.waitForAll()
                return try result.get()
            }
        }
    }
}

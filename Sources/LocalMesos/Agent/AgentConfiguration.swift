import Foundation
import MesosAPI
import Support

/// How one local agent is set up: its own loopback address (127.0.0.N, so each agent is its own "host"),
/// its resources, its work directory, and the agent flags that reach executors.
public struct AgentConfiguration: Sendable, Hashable {
    /// Hostname and IP address the agent serves on and offers (e.g. `127.0.0.2`).
    public var hostname: String
    public var port: Int
    public var cpus: Double
    public var mem: Double
    public var disk: Double
    public var ports: [ClosedRange<UInt64>]
    /// `--resources` in Mesos' syntax (`AgentResourcesFlag`); cpus, mem, disk and ports it does not mention
    /// come from the fields above.
    public var resources: String?
    public var attributes: [Attribute]
    /// Sandboxes live under `<workDirectory>/slaves/<agentId>/frameworks/…`.
    public var workDirectory: String
    /// `--executor_environment_variables`: the base of every executor's environment.
    public var executorEnvironment: [String: String]
    /// `--recovery_timeout`, given to checkpointing executors as MESOS_RECOVERY_TIMEOUT. Mesos: 15 min.
    public var recoveryTimeout: Duration
    /// `--executor_reregistration_timeout`, given as MESOS_SUBSCRIPTION_BACKOFF_MAX. Mesos: 2 s.
    public var subscriptionBackoffMax: Duration
    /// Default `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD` when ExecutorInfo has none. Mesos: 5 s.
    public var executorShutdownGracePeriod: Duration
    /// `--executor_registration_timeout`: an executor that has not subscribed by then is destroyed. Mesos: 1 min.
    public var executorRegistrationTimeout: Duration
    /// Between executor HEARTBEAT events on a subscription stream: Mesos' fixed 30 min
    /// (slave/constants.hpp, DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL), so an executor sees its stream idle long.
    public var executorHeartbeatInterval: Duration = .seconds(30 * 60)
    /// `--switch_user` (Mesos' default: true): executors run as the task's user, in a sandbox owned by it.
    public var switchUser = true
    /// Paths hidden from executors (`HiddenPaths`): each executor gets its own mount namespace with these
    /// covered, as on an agent host that does not have them (e.g. `/opt/swift`, the Swift toolchain).
    public var hiddenPaths: [String] = []

    public init(
        hostname: String, port: Int, cpus: Double = 4, mem: Double = 4096, disk: Double = 10240,
        ports: [ClosedRange<UInt64>] = [31000...32000], attributes: [Attribute] = [],
        workDirectory: String,
        executorEnvironment: [String: String] = [:], recoveryTimeout: Duration = .seconds(900),
        subscriptionBackoffMax: Duration = .seconds(2),
        executorShutdownGracePeriod: Duration = .seconds(5),
        executorRegistrationTimeout: Duration = .seconds(60)
    ) {
        self.hostname = hostname
        self.port = port
        self.cpus = cpus
        self.mem = mem
        self.disk = disk
        self.ports = ports
        self.resources = nil
        self.attributes = attributes
        self.workDirectory = workDirectory
        self.executorEnvironment = executorEnvironment
        self.recoveryTimeout = recoveryTimeout
        self.subscriptionBackoffMax = subscriptionBackoffMax
        self.executorShutdownGracePeriod = executorShutdownGracePeriod
        self.executorRegistrationTimeout = executorRegistrationTimeout
    }

    /// What the agent offers: `--resources` with the defaults filled in, or the defaults alone.
    public func totalResources() throws(AgentResourcesFlag.ParseError) -> [Resource] {
        let defaults = ResourceBag(cpus: cpus, mem: mem, disk: disk, ports: ports)
        guard let resources else { return defaults.resources() }
        return try AgentResourcesFlag.parse(resources, defaults: defaults)
    }

    /// The AgentInfo the agent registers with (no ID yet).
    func agentInfo() throws(AgentResourcesFlag.ParseError) -> AgentInfo {
        AgentInfo(
            hostname: hostname, port: Int32(port), resources: try totalResources(),
            attributes: attributes)
    }

    /// `ip:port`, the value of MESOS_AGENT_ENDPOINT.
    public var endpoint: String { "\(hostname):\(port)" }
}

/// Durations the way stout prints them (`5secs`, `15mins`, `1500ms`): the largest unit that holds the value as
/// a whole number.
enum StoutDuration {
    static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.wholeNanoseconds
        let units: [(String, Int64)] = [
            ("weeks", 604_800_000_000_000), ("days", 86_400_000_000_000),
            ("hrs", 3_600_000_000_000),
            ("mins", 60_000_000_000), ("secs", 1_000_000_000), ("ms", 1_000_000), ("us", 1000),
        ]
        for (name, size) in units where nanoseconds >= size && nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(name)"
        }
        return "\(nanoseconds)ns"
    }
}

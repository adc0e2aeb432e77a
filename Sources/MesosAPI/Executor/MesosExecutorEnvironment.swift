import Foundation

/// What the agent tells a custom executor through its environment (docs/mesos-v1-http.md §7.3): where the agent is, who
/// the executor is, its sandbox, and the timing of re-subscription and shutdown.
public struct MesosExecutorEnvironment: Sendable, Hashable {
    /// The agent's executor API (`MESOS_AGENT_ENDPOINT`, `ip:port`).
    public var agentEndpoint: MesosEndpoint
    public var frameworkID: FrameworkID
    public var executorID: ExecutorID
    /// The sandbox as the executor sees it (`MESOS_SANDBOX`, else `MESOS_DIRECTORY`).
    public var sandbox: String
    /// `MESOS_CHECKPOINT=1`: the agent may restart under a running executor, which then re-subscribes.
    public var checkpoint: Bool
    /// How long to keep trying to re-subscribe after losing the agent (`MESOS_RECOVERY_TIMEOUT`).
    public var recoveryTimeout: Duration
    /// The longest wait between two SUBSCRIBE attempts (`MESOS_SUBSCRIPTION_BACKOFF_MAX`).
    public var subscriptionBackoffMax: Duration
    /// The time between SHUTDOWN and the agent killing the executor (`MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`).
    public var shutdownGracePeriod: Duration
    /// A JWT sent as `Authorization: Bearer` when the agent authenticates executors.
    public var authenticationToken: String?

    /// Mesos' defaults for the variables an agent leaves out when the framework does not checkpoint.
    public static let defaultRecoveryTimeout = Duration.seconds(15 * 60)
    public static let defaultSubscriptionBackoffMax = Duration.seconds(2)
    public static let defaultShutdownGracePeriod = Duration.seconds(5)

    public init(
        agentEndpoint: MesosEndpoint, frameworkID: FrameworkID, executorID: ExecutorID,
        sandbox: String,
        checkpoint: Bool = false, recoveryTimeout: Duration = Self.defaultRecoveryTimeout,
        subscriptionBackoffMax: Duration = Self.defaultSubscriptionBackoffMax,
        shutdownGracePeriod: Duration = Self.defaultShutdownGracePeriod,
        authenticationToken: String? = nil
    ) {
        self.agentEndpoint = agentEndpoint
        self.frameworkID = frameworkID
        self.executorID = executorID
        self.sandbox = sandbox
        self.checkpoint = checkpoint
        self.recoveryTimeout = recoveryTimeout
        self.subscriptionBackoffMax = subscriptionBackoffMax
        self.shutdownGracePeriod = shutdownGracePeriod
        self.authenticationToken = authenticationToken
    }

    /// Reads the variables from `environment` (this process's by default); the error names the variable that
    /// is missing or malformed.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(MesosExecutorEnvironmentError) {
        func required(_ name: String) throws(MesosExecutorEnvironmentError) -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw .missing(variable: name)
            }
            return value
        }
        func duration(_ name: String, default fallback: Duration)
            throws(MesosExecutorEnvironmentError)
            -> Duration
        {
            guard let text = environment[name], !text.isEmpty else { return fallback }
            guard let value = StoutDuration.parse(text) else {
                throw .invalid(
                    variable: name, value: text,
                    reason: "expected a duration such as 5secs or 15mins")
            }
            return value
        }
        let endpointText = try required("MESOS_AGENT_ENDPOINT")
        do {
            agentEndpoint = try MesosEndpoint(
                parsing: endpointText, defaultPort: MesosEndpoint.defaultAgentPort)
        } catch {
            throw .invalid(
                variable: "MESOS_AGENT_ENDPOINT", value: endpointText, reason: "\(error)")
        }
        frameworkID = FrameworkID(try required("MESOS_FRAMEWORK_ID"))
        executorID = ExecutorID(try required("MESOS_EXECUTOR_ID"))
        guard
            let sandbox = [environment["MESOS_SANDBOX"], environment["MESOS_DIRECTORY"]]
                .compactMap({ $0 }).first(where: { !$0.isEmpty })
        else { throw .missing(variable: "MESOS_SANDBOX") }
        self.sandbox = sandbox
        checkpoint = environment["MESOS_CHECKPOINT"] == "1"
        recoveryTimeout = try duration(
            "MESOS_RECOVERY_TIMEOUT", default: Self.defaultRecoveryTimeout)
        subscriptionBackoffMax = try duration(
            "MESOS_SUBSCRIPTION_BACKOFF_MAX", default: Self.defaultSubscriptionBackoffMax)
        shutdownGracePeriod = try duration(
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", default: Self.defaultShutdownGracePeriod)
        authenticationToken = environment["MESOS_EXECUTOR_AUTHENTICATION_TOKEN"].flatMap {
            $0.isEmpty ? nil : $0
        }
    }
}

/// The executor's environment lacks what the agent always sets: it was not started by a Mesos agent.
public enum MesosExecutorEnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(variable: String)
    case invalid(variable: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let variable):
            "the environment variable \(variable) is not set; a Mesos agent sets it when it starts an executor"
        case .invalid(let variable, let value, let reason):
            "the environment variable \(variable)=\(value) is not valid: \(reason)"
        }
    }
}

import Foundation

/// Settings of the local master's state machine; the defaults are real Mesos' defaults.
public struct MasterConfiguration: Sendable, Hashable {
    /// The master's UUID; every framework, agent and offer ID starts with it.
    public var masterID: String
    /// Seconds between HEARTBEAT events (`heartbeat_interval_seconds` in SUBSCRIBED). Mesos: 15.
    public var heartbeatIntervalSeconds: Double
    /// Seconds between allocation rounds that re-offer resources whose filters expired. Mesos: 1.
    public var allocationIntervalSeconds: Double
    /// `refuse_seconds` when a DECLINE or ACCEPT gives no filters. Mesos: 5.
    public var defaultRefuseSeconds: Double
    /// Seconds a disconnected agent has to come back before it is marked unreachable and its tasks are
    /// reported lost. Mesos: `--agent_ping_timeout` 15 s × `--max_agent_ping_timeouts` 5 = 75 s.
    public var agentReregisterTimeoutSeconds: Double
    /// First retry of an unacknowledged status update, then doubling. Mesos: 10 s.
    public var statusUpdateRetryInitialSeconds: Double
    /// Longest wait between retries of an unacknowledged status update. Mesos: 10 min.
    public var statusUpdateRetryMaximumSeconds: Double
    /// How many finished tasks each framework keeps for `/master/state` (Mesos `--max_completed_tasks_per_framework`).
    public var maximumCompletedTasksPerFramework: Int

    public init(
        masterID: String = UUID().uuidString.lowercased(),
        heartbeatIntervalSeconds: Double = 15,
        allocationIntervalSeconds: Double = 1,
        defaultRefuseSeconds: Double = 5,
        agentReregisterTimeoutSeconds: Double = 75,
        statusUpdateRetryInitialSeconds: Double = 10,
        statusUpdateRetryMaximumSeconds: Double = 600,
        maximumCompletedTasksPerFramework: Int = 1000
    ) {
        self.masterID = masterID
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
        self.allocationIntervalSeconds = allocationIntervalSeconds
        self.defaultRefuseSeconds = defaultRefuseSeconds
        self.agentReregisterTimeoutSeconds = agentReregisterTimeoutSeconds
        self.statusUpdateRetryInitialSeconds = statusUpdateRetryInitialSeconds
        self.statusUpdateRetryMaximumSeconds = statusUpdateRetryMaximumSeconds
        self.maximumCompletedTasksPerFramework = maximumCompletedTasksPerFramework
    }

    /// Mesos caps `refuse_seconds` at one year.
    public static let maximumRefuseSeconds: Double = 31_536_000
}

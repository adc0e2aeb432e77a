import Foundation
import MesosAPI

/// The local Mesos master's brain: frameworks, agents, offers, tasks and status updates, with no I/O.
///
/// Each input (a SUBSCRIBE, a scheduler call, an agent's status update, the clock) is a `mutating` method
/// that takes the time as a value and returns the `MasterEffect`s the I/O layer must carry out, in order.
/// Behaviour follows the real master (src/master/master.cpp) wherever a scheduler can observe it: IDs,
/// offers of unallocated resources, decline filters, launch validation, reconciliation, failover timeouts,
/// and the states and reasons sent when agents go away.
public struct MasterState: Sendable {
    public let configuration: MasterConfiguration
    /// The leading master (after a leader change among local masters, the new one).
    public internal(set) var masterInfo: MasterInfo
    public let startTime: Date

    public internal(set) var frameworks: [FrameworkID: FrameworkRecord] = [:]
    /// Frameworks torn down or timed out, newest last; their IDs can never subscribe again.
    public internal(set) var completedFrameworks: [FrameworkRecord] = []
    public internal(set) var agents: [AgentID: AgentRecord] = [:]
    /// Agents removed after failing to come back, with the time they were marked unreachable.
    public internal(set) var unreachableAgents: [AgentID: Date] = [:]
    /// Agents an operator marked gone.
    public internal(set) var goneAgents: [AgentID: Date] = [:]
    public internal(set) var offers: [OfferID: OfferRecord] = [:]

    /// Agents in registration order, the order allocation walks them.
    var agentOrder: [AgentID] = []
    var filters: [FrameworkID: [AgentID: [DeclineFilter]]] = [:]
    var removedFrameworkIDs: Set<FrameworkID> = []
    var nextFrameworkNumber = 0
    var nextAgentNumber = 0
    var nextOfferNumber = 0
    var nextAllocation: Date?

    public init(configuration: MasterConfiguration, masterInfo: MasterInfo, now: Date) {
        self.configuration = configuration
        self.masterInfo = masterInfo
        self.startTime = now
    }

    /// The framework with `id`, connected or not (removed frameworks are not found).
    public func framework(_ id: FrameworkID) -> FrameworkRecord? { frameworks[id] }

    /// A live or unacknowledged-terminal task of any framework.
    public func task(_ id: TaskID, of framework: FrameworkID) -> TaskRecord? {
        frameworks[framework]?.tasks[id]
    }

    /// The earliest time `tick(now:)` has work to do: a failover timeout, an agent timeout, a status update
    /// retry or the next allocation round.
    public var nextDeadline: Date? {
        var deadlines: [Date] = []
        if let nextAllocation { deadlines.append(nextAllocation) }
        if let expiry = earliestFilterExpiry { deadlines.append(expiry) }
        for framework in frameworks.values {
            if let deadline = framework.failoverDeadline { deadlines.append(deadline) }
            if framework.isConnected {
                for task in framework.tasks.values {
                    if let retry = task.retryAt { deadlines.append(retry) }
                }
            }
        }
        for agent in agents.values {
            if let deadline = agent.reregisterDeadline { deadlines.append(deadline) }
        }
        return deadlines.min()
    }

    /// Runs whatever is due at `now`: removes frameworks past their failover timeout, marks agents that did
    /// not come back unreachable, retries unacknowledged status updates and makes offers.
    public mutating func tick(now: Date) -> [MasterEffect] {
        var effects: [MasterEffect] = []
        for framework in frameworks.values {
            if let deadline = framework.failoverDeadline, deadline <= now {
                effects += removeFramework(framework.id, now: now)
            }
        }
        for agent in agents.values {
            if let deadline = agent.reregisterDeadline, deadline <= now {
                effects += removeAgent(
                    agent.id, unreachable: true, message: "health check timed out", now: now)
            }
        }
        effects += retryStatusUpdates(now: now)
        if let nextAllocation, nextAllocation <= now {
            effects += allocate(now: now)
        } else if let expiry = earliestFilterExpiry, expiry <= now {
            effects += allocate(now: now)
        }
        return effects
    }

    /// When the first decline filter runs out (its resources are offered again right then).
    var earliestFilterExpiry: Date? {
        filters.values.lazy.flatMap(\.values).flatMap { $0 }.map(\.expires).min()
    }

    // MARK: - Identifiers

    mutating func newFrameworkID() -> FrameworkID {
        defer { nextFrameworkNumber += 1 }
        return FrameworkID("\(configuration.masterID)-\(Self.fourDigits(nextFrameworkNumber))")
    }

    mutating func newAgentID() -> AgentID {
        defer { nextAgentNumber += 1 }
        return AgentID("\(configuration.masterID)-S\(nextAgentNumber)")
    }

    mutating func newOfferID() -> OfferID {
        defer { nextOfferNumber += 1 }
        return OfferID("\(configuration.masterID)-O\(nextOfferNumber)")
    }

    private static func fourDigits(_ number: Int) -> String {
        let digits = String(number)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }

    // MARK: - Helpers shared by the inputs

    /// A status generated by the master: no uuid (so never acknowledged), SOURCE_MASTER.
    func masterStatus(
        task: TaskID, state: TaskState, reason: TaskStatus.Reason, message: String, agent: AgentID?,
        executor: ExecutorID? = nil, unreachableTime: Date? = nil, now: Date
    ) -> TaskStatus {
        TaskStatus(
            taskID: task, state: state, message: message, agentID: agent,
            timestamp: now.timeIntervalSince1970,
            executorID: executor, source: .master, reason: reason,
            unreachableTime: unreachableTime.map(TimeInfo.init))
    }

    /// An UPDATE event to `framework`'s stream, or nothing while it is disconnected (the update is lost, as
    /// master-generated updates are on real Mesos).
    func sendUpdate(_ status: TaskStatus, to framework: FrameworkID) -> [MasterEffect] {
        guard let stream = frameworks[framework]?.streamID else { return [] }
        return [.send(.update(.init(status: status)), to: stream)]
    }

    func send(_ event: SchedulerEvent, to framework: FrameworkID) -> [MasterEffect] {
        guard let stream = frameworks[framework]?.streamID else { return [] }
        return [.send(event, to: stream)]
    }

}

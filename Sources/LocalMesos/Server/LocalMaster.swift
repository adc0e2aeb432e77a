import Foundation
import Logging
import MesosAPI
import Support

/// The running local master: owns the `MasterState`, carries out its effects (event streams to schedulers,
/// commands to in-process agents), sends heartbeats and drives its timers from the wall clock.
///
/// The HTTP layer (`MasterHTTPResponder`) and in-process agents talk to it through its methods.
public actor LocalMaster {
    private var state: MasterState
    private let logger: Logger
    private var streams: [StreamID: AsyncStream<SchedulerEvent>.Continuation] = [:]
    private var agentQueues: [AgentID: AsyncStream<AgentCommand>.Continuation] = [:]
    /// The deadline the armed timer waits for, and which timer that is (an earlier deadline arms a new one).
    private var timerDeadline: Date?
    private var timerGeneration = 0
    /// Owns the master's side work (heartbeats, timers, agent command queues); run by `run()`.
    nonisolated let tasks = TaskOwner()
    private var stopped = false

    public nonisolated let masterInfo: MasterInfo
    public nonisolated let configuration: MasterConfiguration

    public init(configuration: MasterConfiguration, masterInfo: MasterInfo, logger: Logger) {
        self.state = MasterState(configuration: configuration, masterInfo: masterInfo, now: Date())
        self.logger = logger
        self.masterInfo = masterInfo
        self.configuration = configuration
    }

    /// Runs the master's side work until `stop()`; whoever serves the master runs this beside it.
    public nonisolated func run() async {
        await tasks.run()
    }

    /// A copy of the master's state, for `/master/state` and tests.
    public var snapshot: MasterState { state }

    // MARK: - Scheduler side

    /// Opens a subscription stream for a SUBSCRIBE: returns its new `Mesos-Stream-Id` and the events to
    /// write, which end when the master closes the stream (ERROR, failover, teardown, shutdown).
    public func subscribe(_ subscribe: SchedulerCall.Subscribe) -> (
        StreamID, AsyncStream<SchedulerEvent>
    ) {
        let id = UUID().uuidString.lowercased()
        let (events, continuation) = AsyncStream.makeStream(of: SchedulerEvent.self)
        streams[id] = continuation
        if stopped {
            continuation.finish()
            return (id, events)
        }
        apply(state.subscribe(subscribe, stream: id, now: Date()))
        if streams[id] != nil { startHeartbeats(for: id) }
        return (id, events)
    }

    /// The connection carrying stream `id` closed.
    public func streamClosed(_ id: StreamID) {
        guard let continuation = streams.removeValue(forKey: id) else { return }
        continuation.finish()
        apply(state.streamClosed(id, now: Date()))
    }

    /// A scheduler call other than SUBSCRIBE; throws the HTTP error real Mesos would answer with.
    public func handle(_ call: SchedulerCall, streamID: String?) throws(SchedulerCallRejection) {
        let effects = try state.handle(call, streamID: streamID, now: Date())
        apply(effects)
    }

    /// `info` was elected to lead: it is the master SUBSCRIBED and `/master/state` name from now on. (The
    /// local masters share this state, standing in for the replicated registry and for agents re-registering
    /// with the new leader; frameworks must subscribe again, as their streams ended with the old leader.)
    public func lead(as info: MasterInfo) {
        state.masterInfo = info
    }

    /// Operator teardown of a framework; false if the master does not know it.
    public func teardown(_ id: FrameworkID) -> Bool {
        guard state.framework(id) != nil else { return false }
        apply(state.removeFramework(id, now: Date()))
        return true
    }

    // MARK: - Agent side

    /// Registers an agent reachable through `link` (nil: an agent that only contributes resources).
    public func addAgent(_ info: AgentInfo, link: (any AgentLink)?) -> AgentID {
        let (id, effects) = state.addAgent(info, now: Date())
        if let link { connect(id, link) }
        apply(effects)
        return id
    }

    /// The agent's connection broke (e.g. its process was killed).
    public func agentDisconnected(_ id: AgentID) {
        disconnect(id)
        apply(state.agentDisconnected(id, now: Date()))
    }

    /// A disconnected agent is back, reachable through `link`.
    public func agentReconnected(_ id: AgentID, link: (any AgentLink)?) {
        if let link { connect(id, link) }
        apply(state.agentReconnected(id, now: Date()))
    }

    /// Removes an agent at once, as if its health checks had timed out.
    public func removeAgent(_ id: AgentID, message: String = "health check timed out") {
        disconnect(id)
        apply(state.removeAgent(id, unreachable: true, message: message, now: Date()))
    }

    /// Operator: the agent is gone for good (MARK_AGENT_GONE).
    public func markAgentGone(_ id: AgentID) {
        disconnect(id)
        apply(state.markAgentGone(id, now: Date()))
    }

    /// Fault injection: stop or resume offering an agent's resources.
    public func setOfferingPaused(_ id: AgentID, _ paused: Bool) {
        apply(state.setOfferingPaused(id, paused, now: Date()))
    }

    public func statusUpdate(_ status: TaskStatus, framework: FrameworkID, agent: AgentID) {
        apply(state.statusUpdate(status, framework: framework, agent: agent, now: Date()))
    }

    public func executorExited(
        _ executor: ExecutorID, framework: FrameworkID, agent: AgentID, status: Int32
    ) {
        apply(
            state.executorExited(
                executor, framework: framework, agent: agent, status: status, now: Date()))
    }

    public func executorMessage(
        _ data: Data, executor: ExecutorID, framework: FrameworkID, agent: AgentID
    ) {
        apply(state.executorMessage(data, executor: executor, framework: framework, agent: agent))
    }

    // MARK: - Lifecycle

    /// Ends every stream and agent queue and stops the timers; the master takes no more subscriptions.
    public func stop() {
        stopped = true
        timerDeadline = nil
        for continuation in streams.values { continuation.finish() }
        streams = [:]
        for id in Array(agentQueues.keys) { disconnect(id) }
        tasks.finish()
    }

    // MARK: - Effects

    private func apply(_ effects: [MasterEffect]) {
        for effect in effects {
            switch effect {
            case .send(let event, let stream):
                streams[stream]?.yield(event)
            case .closeStream(let stream):
                streams.removeValue(forKey: stream)?.finish()
            default:
                if let (agent, command) = effect.agentCommand {
                    if let queue = agentQueues[agent] {
                        queue.yield(command)
                    } else {
                        logger.debug("no link to agent \(agent); dropping \(command)")
                    }
                }
            }
        }
        scheduleTimer()
    }

    private func connect(_ id: AgentID, _ link: any AgentLink) {
        disconnect(id)
        let (commands, continuation) = AsyncStream.makeStream(of: AgentCommand.self)
        agentQueues[id] = continuation
        tasks.start {
            for await command in commands { await link.deliver(command) }
        }
    }

    private func disconnect(_ id: AgentID) {
        agentQueues.removeValue(forKey: id)?.finish()
    }

    private func startHeartbeats(for stream: StreamID) {
        let interval = Duration.milliseconds(
            Int64(state.configuration.heartbeatIntervalSeconds * 1000))
        tasks.start { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self, await self.heartbeat(stream) else { return }
            }
        }
    }

    /// Sends a HEARTBEAT on `stream`; false once the stream is closed (its heartbeats end).
    private func heartbeat(_ stream: StreamID) -> Bool {
        guard let continuation = streams[stream] else { return false }
        continuation.yield(.heartbeat)
        return true
    }

    /// Keeps one timer armed for the state machine's next deadline.
    private func scheduleTimer() {
        guard !stopped, let deadline = state.nextDeadline else { return }
        if let current = timerDeadline, current <= deadline { return }
        timerDeadline = deadline
        timerGeneration += 1
        let generation = timerGeneration
        tasks.start { [weak self] in
            let wait = deadline.timeIntervalSinceNow
            if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000) + 1)) }
            guard !Task.isCancelled, let self else { return }
            await self.fire(generation)
        }
    }

    /// A timer went off; one replaced by an earlier deadline does nothing.
    private func fire(_ generation: Int) {
        guard generation == timerGeneration, timerDeadline != nil else { return }
        timerDeadline = nil
        apply(state.tick(now: Date()))
    }
}

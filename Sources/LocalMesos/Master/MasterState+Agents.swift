import Foundation
import MesosAPI

extension MasterState {
    /// Registers a new agent: it gets the next `<masterId>-S<n>` ID and its resources are offered.
    /// `info.resources` are its total resources; `info.id` is ignored.
    public mutating func addAgent(_ info: AgentInfo, now: Date) -> (AgentID, [MasterEffect]) {
        let id = newAgentID()
        var info = info
        info.id = id
        agents[id] = AgentRecord(
            id: id, info: info, total: ResourceBag(info.resources), registeredTime: now)
        agentOrder.append(id)
        return (id, allocate(now: now))
    }

    /// The agent's connection broke (its process died or restarts). Its offers are rescinded; tasks of
    /// frameworks that do not checkpoint are lost at once (TASK_LOST, REASON_AGENT_DISCONNECTED); the others
    /// wait for the agent to come back until `agentReregisterTimeoutSeconds`, after which the agent is removed.
    public mutating func agentDisconnected(_ id: AgentID, now: Date) -> [MasterEffect] {
        guard var agent = agents[id], agent.isConnected else { return [] }
        agent.isConnected = false
        agent.reregisterDeadline = now.addingTimeInterval(
            configuration.agentReregisterTimeoutSeconds)
        agents[id] = agent
        var effects = rescindOffers(on: id)
        let involved = Set(agent.tasks.keys).union(agent.executors.keys)
        for frameworkID in involved.sorted() {
            guard let framework = frameworks[frameworkID], !framework.checkpoints else { continue }
            for taskID in (agents[id]?.tasks[frameworkID] ?? []).sorted() {
                guard let task = frameworks[frameworkID]?.tasks[taskID] else { continue }
                let status = masterStatus(
                    task: taskID, state: .lost, reason: .agentDisconnected,
                    message: "Agent \(agent.info.hostname) disconnected", agent: id,
                    executor: task.executorID,
                    now: now)
                finishTask(task, with: status, unreachable: false)
                effects += sendUpdate(status, to: frameworkID)
            }
            removeExecutors(of: frameworkID, on: id)
        }
        return effects
    }

    /// A disconnected agent came back in time (e.g. restarted): it is offered again.
    public mutating func agentReconnected(_ id: AgentID, now: Date) -> [MasterEffect] {
        guard var agent = agents[id] else { return [] }
        agent.isConnected = true
        agent.reregisterDeadline = nil
        agent.reregisteredTime = now
        agents[id] = agent
        return allocate(now: now)
    }

    /// Removes an agent now, as the real master does when health checks time out (`unreachable`) or an
    /// operator marks it gone. Its tasks become TASK_UNREACHABLE (PARTITION_AWARE frameworks, with
    /// `unreachable_time`) or TASK_GONE_BY_OPERATOR (gone, PARTITION_AWARE, REASON_AGENT_REMOVED_BY_OPERATOR),
    /// else TASK_LOST, all with REASON_AGENT_REMOVED unless said otherwise; its offers are rescinded and every
    /// connected framework gets FAILURE with the agent's ID.
    public mutating func removeAgent(
        _ id: AgentID, unreachable: Bool, message: String, now: Date
    ) -> [MasterEffect] {
        guard let agent = agents[id] else { return [] }
        var effects = rescindOffers(on: id)
        for frameworkID in agent.tasks.keys.sorted() {
            guard let framework = frameworks[frameworkID] else { continue }
            var state: TaskState = .lost
            var reason: TaskStatus.Reason = .agentRemoved
            if framework.isPartitionAware {
                state = unreachable ? .unreachable : .goneByOperator
                reason = unreachable ? .agentRemoved : .agentRemovedByOperator
            }
            for taskID in (agent.tasks[frameworkID] ?? []).sorted() {
                guard let task = framework.tasks[taskID] else { continue }
                let status = masterStatus(
                    task: taskID, state: state, reason: reason, message: message, agent: id,
                    executor: task.executorID, unreachableTime: unreachable ? now : nil, now: now)
                finishTask(task, with: status, unreachable: unreachable)
                effects += sendUpdate(status, to: frameworkID)
            }
        }
        agents[id] = nil
        agentOrder.removeAll { $0 == id }
        if unreachable { unreachableAgents[id] = now } else { goneAgents[id] = now }
        for frameworkID in frameworks.keys.sorted() {
            effects += send(.failure(.init(agentID: id)), to: frameworkID)
        }
        return effects
    }

    /// Operator: the agent is gone for good (`MARK_AGENT_GONE`).
    public mutating func markAgentGone(_ id: AgentID, now: Date) -> [MasterEffect] {
        if agents[id] != nil {
            return removeAgent(
                id, unreachable: false, message: "Agent has been marked gone", now: now)
        }
        if unreachableAgents.removeValue(forKey: id) != nil { goneAgents[id] = now }
        return []
    }

    /// Fault injection: stop (or resume) offering an agent's resources; pausing rescinds its offers.
    public mutating func setOfferingPaused(_ id: AgentID, _ paused: Bool, now: Date)
        -> [MasterEffect]
    {
        guard agents[id] != nil else { return [] }
        agents[id]?.offeringPaused = paused
        return paused ? rescindOffers(on: id) : allocate(now: now)
    }

    /// An executor ended on an agent: its resources are freed and its framework gets FAILURE with the wait
    /// status. (The agent sends the terminal updates of its tasks itself.) Command executors, which the master
    /// does not track, produce nothing.
    public mutating func executorExited(
        _ executor: ExecutorID, framework frameworkID: FrameworkID, agent agentID: AgentID,
        status: Int32, now: Date
    ) -> [MasterEffect] {
        // Like master.cpp, ignore executors the master does not track (command executors).
        guard var agent = agents[agentID],
            let info = agent.executors[frameworkID]?.removeValue(forKey: executor)
        else { return [] }
        agent.allocated -= ResourceBag(info.resources)
        if agent.executors[frameworkID]?.isEmpty == true { agent.executors[frameworkID] = nil }
        agents[agentID] = agent
        return send(
            .failure(.init(agentID: agentID, executorID: executor, status: status)), to: frameworkID
        )
            + allocate(now: now)
    }

    /// An executor's MESSAGE for its scheduler (best effort: dropped while the framework is disconnected).
    public func executorMessage(
        _ data: Data, executor: ExecutorID, framework frameworkID: FrameworkID,
        agent agentID: AgentID
    ) -> [MasterEffect] {
        send(.message(.init(agentID: agentID, executorID: executor, data: data)), to: frameworkID)
    }

    /// Ends a task with a master-generated status: its resources are freed and it moves to the unreachable or
    /// completed tasks, dropping any updates still waiting for acknowledgement.
    mutating func finishTask(_ task: TaskRecord, with status: TaskStatus, unreachable: Bool) {
        guard var framework = frameworks[task.frameworkID] else { return }
        if !task.state.isTerminal { releaseTaskResources(task) }
        var finished = task
        finished.state = status.state
        finished.statuses.append(status)
        finished.pendingUpdates = []
        finished.retryAt = nil
        framework.tasks[task.info.taskID] = nil
        if unreachable {
            framework.unreachableTasks[task.info.taskID] = finished
        } else {
            framework.completedTasks.append(finished)
            trimCompletedTasks(&framework)
        }
        frameworks[task.frameworkID] = framework
        agents[task.agentID]?.tasks[task.frameworkID]?.remove(task.info.taskID)
    }

    private mutating func removeExecutors(of frameworkID: FrameworkID, on agentID: AgentID) {
        guard var agent = agents[agentID],
            let executors = agent.executors.removeValue(forKey: frameworkID)
        else {
            return
        }
        for executor in executors.values { agent.allocated -= ResourceBag(executor.resources) }
        agents[agentID] = agent
    }
}

import Foundation
import MesosAPI

extension MasterState {
    /// A status update an agent sends for one of its tasks (from the executor, or the agent itself).
    ///
    /// The task's state becomes the update's at once (a terminal state frees its resources), while delivery to
    /// the scheduler is per task, in order, one at a time: the next update goes out only after the previous
    /// one was acknowledged, and an unacknowledged one is sent again on a doubling timer, as the Mesos agent's
    /// status update manager does. Updates without a uuid are forwarded once.
    public mutating func statusUpdate(
        _ status: TaskStatus, framework frameworkID: FrameworkID, agent agentID: AgentID, now: Date
    ) -> [MasterEffect] {
        guard var framework = frameworks[frameworkID] else { return [] }
        var status = status
        status.agentID = agentID
        if status.timestamp == nil { status.timestamp = now.timeIntervalSince1970 }
        guard var task = framework.tasks[status.taskID] else {
            // Not tracked (e.g. already removed): forward it once so the scheduler can acknowledge it.
            return framework.streamID.map { [.send(.update(.init(status: status)), to: $0)] } ?? []
        }
        var effects: [MasterEffect] = []
        let wasTerminal = task.state.isTerminal
        task.state = status.state
        task.statuses.append(status)
        if !wasTerminal && status.state.isTerminal {
            releaseTaskResources(task)
        }
        if status.uuid == nil {
            framework.tasks[status.taskID] = task
            frameworks[frameworkID] = framework
            effects += sendUpdate(status, to: frameworkID)
        } else {
            task.pendingUpdates.append(status)
            if task.pendingUpdates.count == 1 {
                effects += deliverHead(of: &task, framework: framework, now: now)
            }
            framework.tasks[status.taskID] = task
            frameworks[frameworkID] = framework
        }
        if !wasTerminal && status.state.isTerminal {
            effects += allocate(now: now)
        }
        return effects
    }

    /// ACKNOWLEDGE of one status update: the agent is told, the next queued update of the task goes out, and a
    /// task whose terminal update was acknowledged moves to the completed tasks.
    mutating func acknowledge(
        _ ack: SchedulerCall.Acknowledge, from frameworkID: FrameworkID, now: Date
    ) -> [MasterEffect] {
        guard var framework = frameworks[frameworkID] else { return [] }
        var effects: [MasterEffect] = []
        if agents[ack.agentID] != nil {
            effects.append(
                .acknowledgeUpdate(
                    uuid: ack.uuid, task: ack.taskID, framework: frameworkID, on: ack.agentID))
        }
        guard var task = framework.tasks[ack.taskID], task.pendingUpdates.first?.uuid == ack.uuid
        else {
            return effects
        }
        let acknowledged = task.pendingUpdates.removeFirst()
        task.retryAt = nil
        if acknowledged.state.isTerminal && task.pendingUpdates.isEmpty {
            framework.tasks[ack.taskID] = nil
            framework.completedTasks.append(task)
            trimCompletedTasks(&framework)
            agents[task.agentID]?.tasks[frameworkID]?.remove(ack.taskID)
        } else {
            if !task.pendingUpdates.isEmpty {
                effects += deliverHead(of: &task, framework: framework, now: now)
            }
            framework.tasks[ack.taskID] = task
        }
        frameworks[frameworkID] = framework
        return effects
    }

    /// Sends the first pending update of `task` and arms its retry timer (while the framework is connected).
    func deliverHead(of task: inout TaskRecord, framework: FrameworkRecord, now: Date)
        -> [MasterEffect]
    {
        guard let head = task.pendingUpdates.first else { return [] }
        task.retryInterval = configuration.statusUpdateRetryInitialSeconds
        guard let stream = framework.streamID else {
            task.retryAt = nil
            return []
        }
        task.retryAt = now.addingTimeInterval(task.retryInterval)
        return [.send(.update(.init(status: head)), to: stream)]
    }

    /// After a (re-)subscription: every task's unacknowledged update goes out again at once.
    mutating func redeliverPendingUpdates(of frameworkID: FrameworkID, now: Date) -> [MasterEffect]
    {
        guard var framework = frameworks[frameworkID] else { return [] }
        var effects: [MasterEffect] = []
        for taskID in framework.tasks.keys.sorted() {
            guard var task = framework.tasks[taskID], !task.pendingUpdates.isEmpty else { continue }
            effects += deliverHead(of: &task, framework: framework, now: now)
            framework.tasks[taskID] = task
        }
        frameworks[frameworkID] = framework
        return effects
    }

    /// Re-sends updates whose acknowledgement is overdue, doubling each task's wait up to the maximum.
    mutating func retryStatusUpdates(now: Date) -> [MasterEffect] {
        var effects: [MasterEffect] = []
        for frameworkID in frameworks.keys.sorted() {
            guard var framework = frameworks[frameworkID], let stream = framework.streamID else {
                continue
            }
            var changed = false
            for (taskID, task) in framework.tasks {
                guard let retryAt = task.retryAt, retryAt <= now,
                    let head = task.pendingUpdates.first
                else { continue }
                var retried = task
                retried.retryInterval = min(
                    retried.retryInterval * 2, configuration.statusUpdateRetryMaximumSeconds)
                retried.retryAt = now.addingTimeInterval(retried.retryInterval)
                framework.tasks[taskID] = retried
                changed = true
                effects.append(.send(.update(.init(status: head)), to: stream))
            }
            if changed { frameworks[frameworkID] = framework }
        }
        return effects
    }

    /// RECONCILE: implicit (no tasks) answers every known task's state; explicit answers each task asked
    /// about, as master.cpp does (known → its state; unknown on a registered agent → TASK_GONE; on an
    /// unreachable agent → TASK_UNREACHABLE; on a gone agent → TASK_GONE_BY_OPERATOR; else TASK_UNKNOWN;
    /// TASK_LOST instead of the last four for frameworks that are not PARTITION_AWARE).
    mutating func reconcile(
        _ tasks: [SchedulerCall.Reconcile.Task], of frameworkID: FrameworkID, now: Date
    ) -> [MasterEffect] {
        guard let framework = frameworks[frameworkID] else { return [] }
        let latest = "Reconciliation: Latest task state"
        if tasks.isEmpty {
            return framework.tasks.keys.sorted().flatMap { taskID -> [MasterEffect] in
                let task = framework.tasks[taskID]!
                return sendUpdate(
                    masterStatus(
                        task: taskID, state: task.reportedState, reason: .reconciliation,
                        message: latest,
                        agent: task.agentID, executor: task.executorID, now: now),
                    to: frameworkID)
            }
        }
        let partitionAware = framework.isPartitionAware
        var effects: [MasterEffect] = []
        for wanted in tasks {
            let status: TaskStatus
            if let task = framework.tasks[wanted.taskID] {
                status = masterStatus(
                    task: wanted.taskID, state: task.reportedState, reason: .reconciliation,
                    message: latest,
                    agent: task.agentID, executor: task.executorID, now: now)
            } else if let agentID = wanted.agentID, agents[agentID] != nil {
                status = masterStatus(
                    task: wanted.taskID, state: partitionAware ? .gone : .lost,
                    reason: .reconciliation,
                    message: "Reconciliation: Task is unknown to the agent", agent: agentID,
                    now: now)
            } else if let agentID = wanted.agentID, let since = unreachableAgents[agentID] {
                status = masterStatus(
                    task: wanted.taskID, state: partitionAware ? .unreachable : .lost,
                    reason: .reconciliation,
                    message: "Reconciliation: Task is unreachable", agent: agentID,
                    unreachableTime: since,
                    now: now)
            } else if let agentID = wanted.agentID, goneAgents[agentID] != nil {
                status = masterStatus(
                    task: wanted.taskID, state: partitionAware ? .goneByOperator : .lost,
                    reason: .reconciliation,
                    message: "Reconciliation: Task is gone", agent: agentID, now: now)
            } else {
                status = masterStatus(
                    task: wanted.taskID, state: partitionAware ? .unknown : .lost,
                    reason: .reconciliation,
                    message: "Reconciliation: Task is unknown", agent: wanted.agentID, now: now)
            }
            effects += sendUpdate(status, to: frameworkID)
        }
        return effects
    }

    /// Gives back what a task used on its agent (the task only; executors are released when they exit).
    mutating func releaseTaskResources(_ task: TaskRecord) {
        agents[task.agentID]?.allocated -= task.resources
    }
}

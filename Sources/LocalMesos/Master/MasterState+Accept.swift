import Foundation
import MesosAPI

extension MasterState {
    /// ACCEPT: validates the offers, then each LAUNCH task against what is left of them, as master.cpp does.
    /// Invalid offers turn every task into TASK_LOST (TASK_DROPPED when PARTITION_AWARE) with
    /// REASON_INVALID_OFFERS; an invalid task into TASK_ERROR with REASON_TASK_INVALID and the reason; valid
    /// tasks are launched on the agent. Unused resources are declined with the call's filters.
    mutating func accept(
        _ accept: SchedulerCall.Accept, from frameworkID: FrameworkID, now: Date
    ) -> [MasterEffect] {
        guard let framework = frameworks[frameworkID] else { return [] }
        if let error = validateOffers(accept.offerIDs, of: frameworkID) {
            for id in accept.offerIDs where offers[id]?.offer.frameworkID == frameworkID {
                removeOffer(id)
            }
            let state: TaskState = framework.isPartitionAware ? .dropped : .lost
            return Self.launchedTasks(in: accept.operations).flatMap { task in
                sendUpdate(
                    masterStatus(
                        task: task.taskID, state: state, reason: .invalidOffers,
                        message: "Task launched with invalid offers: \(error)", agent: task.agentID,
                        now: now),
                    to: frameworkID)
            }
        }

        let used = accept.offerIDs.compactMap { removeOffer($0) }
        guard let first = used.first else { return [] }
        let agentID = first.offer.agentID
        let role = first.role
        var remaining = used.reduce(ResourceBag()) { $0 + $1.resources }
        var effects: [MasterEffect] = []

        for operation in accept.operations {
            switch operation {
            case .launch(let launch):
                for task in launch.taskInfos {
                    effects += launchTask(
                        task, of: frameworkID, on: agentID, role: role, remaining: &remaining,
                        now: now)
                }
            case .launchGroup(let group):
                for task in group.taskGroup.tasks {
                    effects += sendUpdate(
                        masterStatus(
                            task: task.taskID, state: .error, reason: .taskGroupInvalid,
                            message: "LAUNCH_GROUP is not supported by the local Mesos master; "
                                + "use LAUNCH with a custom executor or a command",
                            agent: task.agentID, now: now),
                        to: frameworkID)
                }
            case .unrecognized:
                // Reservations and volumes do not exist here; the operation is dropped.
                continue
            }
        }
        addFilter(
            remaining, agent: agentID, framework: frameworkID, filters: accept.filters, now: now)
        return effects
    }

    /// Mesos' offer checks, in its order, with its messages.
    private func validateOffers(_ ids: [OfferID], of frameworkID: FrameworkID) -> String? {
        if ids.isEmpty { return "No offers specified" }
        var seen: Set<OfferID> = []
        for id in ids where !seen.insert(id).inserted {
            return "Duplicate offer \(id) in offer list"
        }
        for id in ids where offers[id] == nil { return "Offer \(id) is no longer valid" }
        for id in ids {
            let owner = offers[id]!.offer.frameworkID
            if owner != frameworkID {
                return
                    "Offer \(id) has invalid framework \(owner) while framework \(frameworkID) is expected"
            }
        }
        let firstRole = offers[ids[0]]!.role
        for id in ids where offers[id]!.role != firstRole {
            return
                "Aggregated offers must be allocated to the same role. Offer \(id) uses role '\(offers[id]!.role) "
                + "but another is using role '\(firstRole)"
        }
        let firstAgent = offers[ids[0]]!.offer.agentID
        for id in ids where offers[id]!.offer.agentID != firstAgent {
            return "Aggregated offers must belong to one single agent. Offer \(id) uses agent "
                + "\(offers[id]!.offer.agentID) and agent \(firstAgent)"
        }
        return nil
    }

    private static func launchedTasks(in operations: [Offer.Operation]) -> [TaskInfo] {
        operations.flatMap { operation -> [TaskInfo] in
            switch operation {
            case .launch(let launch): launch.taskInfos
            case .launchGroup(let group): group.taskGroup.tasks
            case .unrecognized: []
            }
        }
    }

    private mutating func launchTask(
        _ task: TaskInfo, of frameworkID: FrameworkID, on agentID: AgentID, role: String,
        remaining: inout ResourceBag, now: Date
    ) -> [MasterEffect] {
        guard let framework = frameworks[frameworkID], let agent = agents[agentID] else {
            return []
        }
        var task = task
        if task.executor != nil && task.executor?.frameworkID == nil {
            task.executor?.frameworkID = frameworkID
        }
        let taskResources = ResourceBag(task.resources)
        var consumed = taskResources
        let newExecutor =
            task.executor.map { !agent.hasExecutor($0.executorID, of: frameworkID) } ?? false
        if newExecutor, let executor = task.executor { consumed += ResourceBag(executor.resources) }

        if let error = validate(
            task, framework: framework, agent: agent, needs: consumed, available: remaining)
        {
            return sendUpdate(
                masterStatus(
                    task: task.taskID, state: .error, reason: .taskInvalid, message: error,
                    agent: task.agentID,
                    now: now),
                to: frameworkID)
        }

        remaining -= consumed
        var record = TaskRecord(
            info: task, frameworkID: frameworkID, agentID: agentID, role: role, state: .staging,
            resources: taskResources)
        record.statuses = []
        frameworks[frameworkID]?.tasks[task.taskID] = record
        agents[agentID]?.allocated += consumed
        agents[agentID]?.tasks[frameworkID, default: []].insert(task.taskID)
        if newExecutor, let executor = task.executor {
            agents[agentID]?.executors[frameworkID, default: [:]][executor.executorID] = executor
        }
        return [
            .launchTask(
                TaskLaunch(frameworkID: frameworkID, frameworkInfo: framework.info, task: task),
                on: agentID)
        ]
    }

    /// The subset of Mesos' task validation (src/master/validation.cpp) that applies here, with its messages.
    private func validate(
        _ task: TaskInfo, framework: FrameworkRecord, agent: AgentRecord, needs: ResourceBag,
        available: ResourceBag
    ) -> String? {
        if let error = Self.validateID(task.taskID.value) { return error }
        if framework.tasks[task.taskID] != nil { return "Task has duplicate ID: \(task.taskID)" }
        if framework.unreachableTasks[task.taskID] != nil {
            return "Task reuses the ID of an unreachable task: \(task.taskID)"
        }
        if task.agentID != agent.id {
            return "Task uses invalid agent \(task.agentID) while agent \(agent.id) is expected"
        }
        if let grace = task.killPolicy?.gracePeriod, grace.nanoseconds < 0 {
            return "Task's 'kill_policy.grace_period' must be non-negative"
        }
        if task.resources.isEmpty { return "Task uses no resources" }
        if (task.executor == nil) == (task.command == nil) {
            return
                "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"
        }
        if let executor = task.executor {
            // executor::internal::validateExecutorID, before the ID can name a sandbox directory.
            if let error = Self.validateID(executor.executorID.value) { return error }
            if let existing = agent.executors[framework.id]?[executor.executorID],
                existing != executor
            {
                return
                    "ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID"
            }
            if let owner = executor.frameworkID, owner != framework.id {
                return
                    "ExecutorInfo has an invalid FrameworkID (Actual: \(owner) vs Expected: \(framework.id))"
            }
            if let grace = executor.shutdownGracePeriod, grace.nanoseconds < 0 {
                return "ExecutorInfo's 'shutdown_grace_period' must be non-negative"
            }
            if let type = executor.type, type != .custom {
                return "'ExecutorInfo.type' must be 'CUSTOM'"
            }
            if executor.command == nil { return "'ExecutorInfo.command' must be set" }
        }
        if !available.contains(needs) {
            return
                "Total resources \(needs) required by task and its executor is more than available \(available)"
        }
        return nil
    }

    /// Mesos' ID rules (common/validation.cpp).
    static func validateID(_ id: String) -> String? {
        if id.isEmpty { return "ID must not be empty" }
        if id.utf8.count > 255 { return "ID must not be greater than 255 characters" }
        if id == "." || id == ".." { return "'\(id)' is disallowed" }
        if id.unicodeScalars.contains(where: {
            $0 == "/" || $0 == "\\" || $0.value < 32 || $0.value == 127
        }) {
            return "'\(id)' contains invalid characters"
        }
        return nil
    }
}

import Foundation
import MesosAPI

extension MasterState {
    /// A SUBSCRIBE on the new stream `stream`: registers a new framework or fails over an existing one, and
    /// answers SUBSCRIBED then HEARTBEAT (then offers), or ERROR and close when the subscription is refused.
    ///
    /// The HTTP layer has already checked what makes a SUBSCRIBE a 400 (missing `Mesos-Stream-Id`, top-level
    /// `framework_id` different from `framework_info.id`).
    public mutating func subscribe(
        _ subscribe: SchedulerCall.Subscribe, stream: StreamID, now: Date
    ) -> [MasterEffect] {
        var info = subscribe.frameworkInfo
        if info.id?.value.isEmpty == true { info.id = nil }
        if let error = Self.validate(info)
            ?? info.id.flatMap({
                removedFrameworkIDs.contains($0) ? "Framework has been removed" : nil
            })
        {
            return [.send(.error(.init(message: error)), to: stream), .closeStream(stream)]
        }

        var effects: [MasterEffect] = []
        let id: FrameworkID
        if let existingID = info.id, var framework = frameworks[existingID] {
            if framework.info.principal != info.principal {
                return [
                    .send(
                        .error(.init(message: "Changing framework's principal is not allowed.")),
                        to: stream),
                    .closeStream(stream),
                ]
            }
            id = existingID
            // `user` and `checkpoint` cannot change after the first subscription.
            info.user = framework.info.user
            info.checkpoint = framework.info.checkpoint
            if let old = framework.streamID {
                effects.append(.send(.error(.init(message: "Framework failed over")), to: old))
                effects.append(.closeStream(old))
            }
            framework.info = info
            framework.streamID = stream
            framework.reregisteredTime = now
            framework.failoverDeadline = nil
            framework.unregisteredTime = nil
            framework.suppressedRoles = Set(subscribe.suppressedRoles)
            frameworks[id] = framework
            effects += discardOffers(of: id)
        } else {
            // A new framework, or one this master has never seen (as after a master failover).
            id = info.id ?? newFrameworkID()
            info.id = id
            frameworks[id] = FrameworkRecord(
                id: id, info: info, streamID: stream, registeredTime: now,
                suppressedRoles: Set(subscribe.suppressedRoles))
        }

        effects.append(
            .send(
                .subscribed(
                    .init(
                        frameworkID: id,
                        heartbeatIntervalSeconds: configuration.heartbeatIntervalSeconds,
                        masterInfo: masterInfo)),
                to: stream))
        effects.append(.send(.heartbeat, to: stream))
        effects += redeliverPendingUpdates(of: id, now: now)
        effects += allocate(now: now)
        return effects
    }

    /// The subscription stream `stream` ended (the scheduler went away or the connection broke): the
    /// framework is disconnected, its offers are withdrawn, and it is removed after its failover timeout.
    public mutating func streamClosed(_ stream: StreamID, now: Date) -> [MasterEffect] {
        guard var framework = frameworks.values.first(where: { $0.streamID == stream }) else {
            return []
        }
        framework.streamID = nil
        framework.unregisteredTime = now
        framework.failoverDeadline = now.addingTimeInterval(max(0, framework.failoverTimeout))
        frameworks[framework.id] = framework
        var effects = discardOffers(of: framework.id)
        if framework.failoverTimeout <= 0 {
            effects += removeFramework(framework.id, now: now)
        }
        return effects
    }

    /// Removes a framework for good (TEARDOWN, operator teardown, or failover timeout): agents shut its
    /// executors down, its tasks become TASK_KILLED (REASON_FRAMEWORK_REMOVED) without updates being sent,
    /// and its ID is refused from then on with "Framework has been removed".
    public mutating func removeFramework(_ id: FrameworkID, now: Date) -> [MasterEffect] {
        guard var framework = frameworks[id] else { return [] }
        var effects = discardOffers(of: id)
        if let stream = framework.streamID { effects.append(.closeStream(stream)) }
        var agentsInvolved: Set<AgentID> = []
        for task in framework.tasks.values {
            var finished = task
            let status = masterStatus(
                task: task.info.taskID, state: .killed, reason: .frameworkRemoved,
                message: "Framework \(id.value) removed", agent: task.agentID,
                executor: task.executorID, now: now)
            if !task.state.isTerminal { releaseTaskResources(task) }
            finished.state = .killed
            finished.statuses.append(status)
            finished.pendingUpdates = []
            finished.retryAt = nil
            framework.completedTasks.append(finished)
            agents[task.agentID]?.tasks[id]?.remove(task.info.taskID)
            agentsInvolved.insert(task.agentID)
        }
        for task in framework.unreachableTasks.values {
            var finished = task
            finished.state = .killed
            framework.completedTasks.append(finished)
        }
        framework.tasks = [:]
        framework.unreachableTasks = [:]
        framework.streamID = nil
        framework.failoverDeadline = nil
        framework.unregisteredTime = framework.unregisteredTime ?? now
        for agentID in agents.keys.sorted() {
            guard var agent = agents[agentID] else { continue }
            if let executors = agent.executors.removeValue(forKey: id) {
                for executor in executors.values {
                    agent.allocated -= ResourceBag(executor.resources)
                }
                agentsInvolved.insert(agentID)
            }
            agent.tasks[id] = nil
            agents[agentID] = agent
        }
        for agentID in agentsInvolved.sorted() where agents[agentID] != nil {
            effects.append(.shutdownFramework(id, on: agentID))
        }
        trimCompletedTasks(&framework)
        frameworks[id] = nil
        filters[id] = nil
        removedFrameworkIDs.insert(id)
        completedFrameworks.append(framework)
        if completedFrameworks.count > 50 {
            completedFrameworks.removeFirst(completedFrameworks.count - 50)
        }
        effects += allocate(now: now)
        return effects
    }

    func trimCompletedTasks(_ framework: inout FrameworkRecord) {
        let excess =
            framework.completedTasks.count - configuration.maximumCompletedTasksPerFramework
        if excess > 0 { framework.completedTasks.removeFirst(excess) }
    }

    /// Mesos' FrameworkInfo validation (roles and failover timeout), with its messages.
    static func validate(_ info: FrameworkInfo) -> String? {
        let multiRole = info.hasCapability(.multiRole)
        if multiRole, info.role != nil {
            return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"
        }
        if !multiRole, !info.roles.isEmpty {
            return
                "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"
        }
        if multiRole {
            var seen: Set<String> = []
            let duplicates = Set(info.roles.filter { !seen.insert($0).inserted })
            if !duplicates.isEmpty {
                return
                    "'FrameworkInfo.roles' contains duplicate items: { \(duplicates.sorted().joined(separator: ", ")) }"
            }
            for role in info.roles {
                if let error = validateRole(role) {
                    return "'FrameworkInfo.roles' contains invalid role: \(error)"
                }
            }
        } else if let error = validateRole(info.role ?? "*") {
            return "'FrameworkInfo.role' is not a valid role: \(error)"
        }
        // master/validation.cpp validateFrameworkId: a given (non-empty) ID follows the common ID rules,
        // as agents use it as a sandbox path segment.
        if let id = info.id, !id.value.isEmpty, let error = validateID(id.value) { return error }
        if let timeout = info.failoverTimeout,
            !timeout.isFinite || timeout > Double(Int64.max) / 1e9
        {
            return "The framework failover_timeout (\(timeout)) is invalid"
        }
        return nil
    }

    /// Mesos' role name rules (src/common/roles.cpp).
    static func validateRole(_ role: String) -> String? {
        if role == "*" { return nil }
        if role.isEmpty { return "Empty role name is invalid" }
        if role == "." || role == ".." { return "Role name '\(role)' is invalid" }
        if role.hasPrefix("-") { return "Role name '\(role)' cannot start with '-'" }
        if role.contains(where: {
            $0.isWhitespace || $0 == "\\" || $0.asciiValue.map { $0 < 32 || $0 == 127 } == true
        }) {
            return "Role name '\(role)' contains invalid characters"
        }
        if role.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
            $0.isEmpty || $0 == "." || $0 == ".." || $0 == "*"
        }) {
            return "Role name '\(role)' is invalid"
        }
        return nil
    }
}

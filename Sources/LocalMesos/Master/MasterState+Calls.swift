import Foundation
import MesosAPI

extension MasterState {
    /// A scheduler call other than SUBSCRIBE, with the `Mesos-Stream-Id` header it came with.
    ///
    /// Throws what real Mesos answers before queueing a call: 400 "Framework cannot be found", 403 "Framework
    /// is not subscribed", 400 for a missing or wrong stream ID, 400 for an invalid acknowledgement UUID,
    /// 501 for `UNKNOWN`. Otherwise the call is accepted (HTTP 202) and its results are the returned effects.
    public mutating func handle(
        _ call: SchedulerCall, streamID: String?, now: Date
    ) throws(SchedulerCallRejection) -> [MasterEffect] {
        guard let frameworkID = call.frameworkID else {
            throw .badRequest(
                "Failed to validate scheduler::Call: Expecting 'framework_id' to be present")
        }
        if case .acknowledge(let ack) = call.payload, !Self.isValidUUID(ack.uuid) {
            throw .badRequest("Failed to validate scheduler::Call: Not a valid UUID")
        }
        if case .updateFramework(let update) = call.payload, update.frameworkInfo.id != frameworkID
        {
            throw .badRequest(
                "Failed to validate scheduler::Call: 'framework_id' differs from 'update_framework.framework_info.id'"
            )
        }
        guard let framework = frameworks[frameworkID] else {
            throw .badRequest("Framework cannot be found")
        }
        guard let currentStream = framework.streamID else {
            throw .forbidden("Framework is not subscribed")
        }
        guard let streamID else {
            throw .badRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header")
        }
        guard streamID == currentStream else {
            throw .badRequest(
                "The stream ID '\(streamID)' included in this request didn't match the stream ID currently "
                    + "associated with framework ID \(frameworkID.value)")
        }

        switch call.payload {
        case .subscribe:
            throw .badRequest("Subscribe calls should not include the 'Mesos-Stream-Id' header")
        case .teardown:
            return removeFramework(frameworkID, now: now)
        case .accept(let accept):
            return self.accept(accept, from: frameworkID, now: now)
        case .decline(let decline):
            return self.decline(
                decline.offerIDs, filters: decline.filters, from: frameworkID, now: now)
        case .revive(let revive):
            return self.revive(roles: revive.roles, of: frameworkID, now: now)
        case .suppress(let suppress):
            self.suppress(roles: suppress.roles, of: frameworkID)
            return []
        case .kill(let kill):
            return self.kill(kill, from: frameworkID, now: now)
        case .shutdown(let shutdown):
            guard agents[shutdown.agentID] != nil else { return [] }
            return [
                .shutdownExecutor(shutdown.executorID, framework: frameworkID, on: shutdown.agentID)
            ]
        case .acknowledge(let ack):
            return acknowledge(ack, from: frameworkID, now: now)
        case .reconcile(let reconcile):
            return self.reconcile(reconcile.tasks, of: frameworkID, now: now)
        case .message(let message):
            guard let agent = agents[message.agentID], agent.isConnected else { return [] }
            return [
                .messageToExecutor(
                    message.data, executor: message.executorID, framework: frameworkID,
                    on: message.agentID)
            ]
        case .request:
            return []
        case .updateFramework(let update):
            return updateFramework(update, now: now)
        case .unrecognized("UNKNOWN"):
            throw .notImplemented
        case .unrecognized(let type) where Self.unmodelledCallTypes.contains(type):
            return []
        case .unrecognized(let type):
            throw .badRequest(
                "Failed to convert JSON into Call protobuf: Failed to find enum for '\(type)'")
        }
    }

    /// Valid call types this master accepts and ignores (inverse offers and operation feedback).
    static let unmodelledCallTypes: Set<String> = [
        "ACCEPT_INVERSE_OFFERS", "DECLINE_INVERSE_OFFERS", "ACKNOWLEDGE_OPERATION_STATUS",
        "RECONCILE_OPERATIONS",
    ]

    /// A 16-byte UUID with a known version, as stout's `UUID::fromBytes` requires.
    static func isValidUUID(_ bytes: Data) -> Bool {
        guard bytes.count == 16 else { return false }
        let version = bytes[bytes.startIndex + 6] >> 4
        return (1...5).contains(version)
    }

    mutating func updateFramework(_ update: SchedulerCall.UpdateFramework, now: Date)
        -> [MasterEffect]
    {
        guard let id = update.frameworkInfo.id, var framework = frameworks[id] else { return [] }
        var info = update.frameworkInfo
        info.user = framework.info.user
        info.checkpoint = framework.info.checkpoint
        framework.info = info
        framework.suppressedRoles = Set(update.suppressedRoles)
        frameworks[id] = framework
        return allocate(now: now)
    }

    mutating func decline(
        _ offerIDs: [OfferID], filters: Filters?, from framework: FrameworkID, now: Date
    ) -> [MasterEffect] {
        for offerID in offerIDs {
            guard let record = offers[offerID], record.offer.frameworkID == framework else {
                continue
            }
            removeOffer(offerID)
            addFilter(
                record.resources, agent: record.offer.agentID, framework: framework,
                filters: filters, now: now)
        }
        return []
    }

    /// Installs a decline filter; `refuse_seconds` ≤ 0 installs none, a missing or invalid one means 5 s.
    mutating func addFilter(
        _ resources: ResourceBag, agent: AgentID, framework: FrameworkID, filters: Filters?,
        now: Date
    ) {
        guard !resources.isEmpty else { return }
        var seconds = filters?.refuseSeconds ?? configuration.defaultRefuseSeconds
        if seconds < 0 || !seconds.isFinite { seconds = configuration.defaultRefuseSeconds }
        seconds = min(seconds, MasterConfiguration.maximumRefuseSeconds)
        guard seconds > 0 else { return }
        self.filters[framework, default: [:]][agent, default: []].append(
            DeclineFilter(resources: resources, expires: now.addingTimeInterval(seconds)))
    }

    mutating func revive(roles: [String], of id: FrameworkID, now: Date) -> [MasterEffect] {
        guard var framework = frameworks[id] else { return [] }
        if roles.isEmpty {
            framework.suppressedRoles = []
        } else {
            framework.suppressedRoles.subtract(roles)
        }
        frameworks[id] = framework
        // Filters are per framework here (the local master only offers unreserved resources to one role).
        filters[id] = nil
        return allocate(now: now)
    }

    mutating func suppress(roles: [String], of id: FrameworkID) {
        guard var framework = frameworks[id] else { return }
        framework.suppressedRoles.formUnion(roles.isEmpty ? framework.roles : roles)
        frameworks[id] = framework
    }

    mutating func kill(_ kill: SchedulerCall.Kill, from framework: FrameworkID, now: Date)
        -> [MasterEffect]
    {
        guard let task = frameworks[framework]?.tasks[kill.taskID] else {
            // Unknown task: answered as an explicit reconciliation of it.
            return reconcile(
                [.init(taskID: kill.taskID, agentID: kill.agentID)], of: framework, now: now)
        }
        guard let agent = agents[task.agentID], agent.isConnected else { return [] }
        return [
            .killTask(
                kill.taskID, framework: framework, killPolicy: kill.killPolicy, on: task.agentID)
        ]
    }
}

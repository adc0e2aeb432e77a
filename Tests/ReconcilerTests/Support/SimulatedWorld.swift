import Reconciler

/// A small, deterministic model of Mesos agents and an etcd cluster that carries out the reconciler's
/// actions the way the real adapters would, and queues the resulting events. It is not a mock of a server
/// under test: it is the reconciler's environment, so scenarios read like the operator's story.
struct SimulatedWorld {
    struct Agent {
        var number: Int
        var alive = true
        var host: String { "127.0.0.\(number)" }
        var agentID: AgentID { AgentID("agent-\(number)") }
    }

    struct SimulatedTask {
        var launch: MemberLaunch?
        var identity: MemberIdentity
        var agentID: AgentID
        /// etcd answers probes.
        var etcdUp = true
        var raftIndex: UInt64 = 10
    }

    var agents: [Int: Agent] = [:]
    var tasks: [TaskID: SimulatedTask] = [:]
    var members: [EtcdMember] = []
    var nextMemberID: EtcdMemberID = 0x1000
    var suppressed = false
    var refusedUntil: [String: ReconcilerInstant] = [:]
    var outstandingOffers: [OfferID: String] = [:]
    var offerCounter = 0
    var queued: [ClusterEvent] = []
    var persisted: PersistedClusterState?
    var revision: Int64 = 1
    /// Alarms every member reports (e.g. `NOSPACE`).
    var alarms: [String] = []
    /// Launches on these hosts fail right after RUNNING would have been sent (a flapping member).
    var failingHosts: Set<String> = []
    /// Membership calls fail while true (etcd unreachable from the scheduler, say).
    var membershipCallsFail = false
    /// Reseed orders never reach the executor (and are never answered) while true.
    var reseedOrdersLost = false
    /// Every launch ever carried out.
    var launches: [MemberLaunch] = []
    var newClusterLaunches = 0
    var acknowledged: [String] = []
    /// While true, answers to membership calls wait in `heldResults` (a slow etcd).
    var holdMembershipResults = false
    var heldResults: [ClusterEvent] = []
    var ackCounter = 0

    init(agentCount: Int) {
        for number in 2..<(2 + agentCount) { agents[number] = Agent(number: number) }
    }

    // MARK: carrying out actions

    mutating func carryOut(_ actions: [ClusterAction], now: ReconcilerInstant) {
        for action in actions { carryOut(action, now: now) }
    }

    private mutating func carryOut(_ action: ClusterAction, now: ReconcilerInstant) {
        switch action {
        case .persist(let state): persisted = state
        case .launch(let launch): carryOutLaunch(launch)
        case .decline(let offerID, let seconds):
            if let host = outstandingOffers.removeValue(forKey: offerID) {
                refusedUntil[host] = now + .milliseconds(Int64(seconds * 1000))
            }
        case .suppressOffers: suppressed = true
        case .reviveOffers:
            suppressed = false
            refusedUntil = [:]
        case .kill(let taskID, _):
            if let task = tasks.removeValue(forKey: taskID) {
                queued.append(.taskStatus(update(taskID, .killed, agentID: task.agentID)))
            } else {
                queued.append(
                    .taskStatus(
                        TaskStatusUpdate(taskID: taskID, state: .lost, fromReconciliation: true)))
            }
        case .acknowledge(_, _, let id): acknowledged.append(id)
        case .reconcile(let list): answerReconciliation(list)
        case .addMember(let peerURL, let asLearner, _):
            guard membershipAllowed else { return fail(.add(peerURL: peerURL)) }
            let id = nextMemberID
            nextMemberID += 1
            members.append(EtcdMember(id: id, name: "", peerURLs: [peerURL], isLearner: asLearner))
            bumpIndex()
            answerMembership(.memberAdded(peerURL: peerURL, memberID: id, members: members))
        case .removeMember(let id, _):
            guard membershipAllowed else { return fail(.remove(id)) }
            members.removeAll { $0.id == id }
            bumpIndex()
            answerMembership(.memberRemoved(id))
            failRemovedMembers()
        case .promoteMember(let id, _):
            guard membershipAllowed, let index = members.firstIndex(where: { $0.id == id }) else {
                return fail(.promote(id))
            }
            members[index].isLearner = false
            answerMembership(.memberPromoted(id))
        case .reseed(let order):
            if reseedOrdersLost { return }
            guard let task = tasks[order.taskID], task.etcdUp, let member = member(of: order.taskID)
            else {
                queued.append(.reseedFailed(order.taskID, reason: "executor unreachable"))
                return
            }
            members = [EtcdMember(id: member.id, name: member.name, peerURLs: member.peerURLs)]
            queued.append(.reseedFinished(order.taskID))
            failRemovedMembers()
        case .answer, .log: break
        }
    }

    /// etcd exits when it learns it was removed from the cluster; a cut-off member learns it when it is back.
    mutating func failRemovedMembers() {
        for (id, task) in tasks.sorted(by: { $0.key < $1.key })
        where task.etcdUp && member(of: id) == nil {
            tasks[id] = nil
            queued.append(
                .taskStatus(
                    update(
                        id, .failed, agentID: task.agentID,
                        message: "member removed from the cluster")))
        }
    }

    private mutating func fail(_ operation: MembershipOperation) {
        answerMembership(.memberOperationFailed(operation, reason: "etcdserver: request timed out"))
    }

    private mutating func answerMembership(_ event: ClusterEvent) {
        if holdMembershipResults { heldResults.append(event) } else { queued.append(event) }
    }

    mutating func releaseHeldResults() {
        queued += heldResults
        heldResults = []
    }

    private mutating func carryOutLaunch(_ launch: MemberLaunch) {
        launches.append(launch)
        guard outstandingOffers.removeValue(forKey: launch.offerID) != nil,
            let agent = agents.values.first(where: { $0.agentID == launch.agentID }), agent.alive
        else {
            queued.append(
                .taskStatus(
                    update(
                        launch.taskID, .lost, agentID: launch.agentID,
                        reason: "REASON_INVALID_OFFERS")))
            return
        }
        tasks[launch.taskID] = SimulatedTask(
            launch: launch, identity: launch.member, agentID: launch.agentID)
        switch launch.initialClusterState {
        case .new:
            // As etcd: a new cluster's members are its initial cluster; the seed's other members find
            // themselves in it.
            if launch.initialCluster.count > 1,
                members.contains(where: { $0.peerURLs.contains(launch.member.peerURL) })
            {
                break
            }
            newClusterLaunches += 1
            members = launch.initialCluster.map { entry in
                defer { nextMemberID += 1 }
                return EtcdMember(id: nextMemberID, name: entry.name, peerURLs: [entry.peerURL])
            }
        case .existing:
            guard
                let index = members.firstIndex(where: {
                    $0.peerURLs.contains(launch.member.peerURL)
                })
            else {
                tasks[launch.taskID] = nil
                queued.append(
                    .taskStatus(
                        update(
                            launch.taskID, .failed, agentID: launch.agentID,
                            message: "member not in cluster")))
                return
            }
            members[index].name = launch.member.name
        }
        queued.append(.taskStatus(update(launch.taskID, .running, agentID: launch.agentID)))
        if failingHosts.contains(launch.member.host) {
            tasks[launch.taskID] = nil
            queued.append(
                .taskStatus(
                    update(launch.taskID, .failed, agentID: launch.agentID, message: "etcd exited"))
            )
        }
    }

    private mutating func answerReconciliation(_ list: [TaskToReconcile]) {
        if list.isEmpty {
            for (id, task) in tasks.sorted(by: { $0.key < $1.key }) {
                queued.append(
                    .taskStatus(
                        TaskStatusUpdate(
                            taskID: id, state: .running, agentID: task.agentID,
                            fromReconciliation: true)))
            }
            return
        }
        for entry in list {
            let state: TaskState = tasks[entry.taskID] == nil ? .lost : .running
            queued.append(
                .taskStatus(
                    TaskStatusUpdate(
                        taskID: entry.taskID, state: state, agentID: entry.agentID,
                        fromReconciliation: true)))
        }
    }

    mutating func update(
        _ taskID: TaskID, _ state: TaskState, agentID: AgentID?, reason: String? = nil,
        message: String? = nil
    ) -> TaskStatusUpdate {
        ackCounter += 1
        return TaskStatusUpdate(
            taskID: taskID, state: state, agentID: agentID, reason: reason, message: message,
            acknowledgementID: "uuid-\(ackCounter)")
    }

    // MARK: etcd

    func member(of taskID: TaskID) -> EtcdMember? {
        guard let task = tasks[taskID] else { return nil }
        return members.first { $0.peerURLs.contains(task.identity.peerURL) }
    }

    var voters: [EtcdMember] { members.filter { !$0.isLearner } }

    private func isUp(_ member: EtcdMember) -> Bool {
        tasks.values.contains { $0.etcdUp && member.peerURLs.contains($0.identity.peerURL) }
    }

    var hasQuorum: Bool { !voters.isEmpty && voters.filter(isUp).count * 2 > voters.count }

    var leaderID: EtcdMemberID { hasQuorum ? voters.filter(isUp).map(\.id).min() ?? 0 : 0 }

    private var membershipAllowed: Bool { hasQuorum && !membershipCallsFail }

    private mutating func bumpIndex() {
        guard hasQuorum else { return }
        for id in tasks.keys where tasks[id]!.etcdUp { tasks[id]!.raftIndex += 1 }
    }

    /// What the adapter's probe would report for these tasks.
    func observation(probing taskIDs: [TaskID]) -> ClusterObservation {
        let probes = taskIDs.map { id -> MemberProbe in
            guard let task = tasks[id], task.etcdUp, let member = member(of: id) else {
                return .unreachable(id)
            }
            return MemberProbe(
                taskID: id,
                status: MemberStatus(
                    memberID: member.id, leaderID: leaderID, raftIndex: task.raftIndex, raftTerm: 2,
                    revision: revision, isLearner: member.isLearner, alarms: alarms))
        }
        let anyUp = probes.contains { $0.status != nil }
        return ClusterObservation(members: anyUp ? members : nil, probes: probes)
    }

    // MARK: Mesos

    /// One offer from every live agent that has no outstanding offer and no refuse filter.
    mutating func offers(now: ReconcilerInstant) -> [ResourceOffer] {
        guard !suppressed else { return [] }
        var result: [ResourceOffer] = []
        for agent in agents.values.sorted(by: { $0.number < $1.number }) where agent.alive {
            guard !outstandingOffers.values.contains(agent.host),
                refusedUntil[agent.host].map({ now >= $0 }) ?? true
            else { continue }
            offerCounter += 1
            let busy = tasks.values.contains { $0.identity.host == agent.host }
            let offer = ResourceOffer(
                id: OfferID("offer-\(offerCounter)"), agentID: agent.agentID, hostname: agent.host,
                cpus: 8,
                memoryMB: 16384, diskMB: 102_400, ports: busy ? [31010...32000] : [31000...32000])
            outstandingOffers[offer.id] = agent.host
            result.append(offer)
        }
        return result
    }

    mutating func forgetOffers() { outstandingOffers = [:] }

    /// The agent dies: its tasks are reported LOST, their etcd is gone.
    mutating func loseAgent(_ number: Int) {
        agents[number]?.alive = false
        for (id, task) in tasks.sorted(by: { $0.key < $1.key })
        where task.identity.host == "127.0.0.\(number)" {
            tasks[id] = nil
            queued.append(
                .taskStatus(
                    TaskStatusUpdate(
                        taskID: id, state: .lost, agentID: task.agentID,
                        reason: "REASON_AGENT_REMOVED")))
        }
        outstandingOffers = outstandingOffers.filter { $0.value != "127.0.0.\(number)" }
    }

    /// The agent's tasks die silently (the scheduler is down and will hear it only from reconciliation).
    mutating func wipeAgentSilently(_ number: Int) {
        for (id, task) in tasks where task.identity.host == "127.0.0.\(number)" { tasks[id] = nil }
    }

    mutating func restartAgent(_ number: Int) { agents[number]?.alive = true }

    func task(onHost number: Int) -> TaskID? {
        tasks.first { $0.value.identity.host == "127.0.0.\(number)" }?.key
    }

    var liveTaskCount: Int { tasks.count }
}

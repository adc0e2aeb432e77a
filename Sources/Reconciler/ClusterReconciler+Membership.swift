/// etcd membership changes and launches, one at a time (docs/original-behaviour.md §4.2, §4.3, §5.2, §5.5).
///
/// Order of each step: promote a caught-up learner; remove an etcd member no task runs (a dead member is
/// always removed before a replacement is added); add the next member, then launch it on the held offer
/// once etcd has accepted it. The first member of a new cluster needs no add; a seed from a backup launches
/// every member at once, each restoring the same snapshot with the full initial cluster and the epoch's new
/// cluster token (etcd's disaster-recovery procedure), instead of one member that the others join over raft.
extension ClusterReconciler {
    mutating func advanceMembership(now: ReconcilerInstant, out: inout ActionBuffer) {
        guard mode == .mutable, health.livelockSince == nil, membershipOperation == nil else {
            return
        }
        if let retryAt = membershipRetryAt, now < retryAt { return }
        let hasQuorum = health.lastAssessment?.hasQuorum == true
        if hasQuorum, let view = etcdMembers, !tasks.isEmpty {
            if promoteCaughtUpLearner(in: view, now: now, out: &out) { return }
            if removeStaleMember(from: view, now: now, out: &out) { return }
        }
        startNextMember(hasQuorum: hasQuorum, now: now, out: &out)
    }

    private mutating func promoteCaughtUpLearner(
        in view: [EtcdMember], now: ReconcilerInstant, out: inout ActionBuffer
    ) -> Bool {
        for member in view.sorted(by: { $0.id < $1.id }) where member.isLearner {
            guard let task = task(withPeerURLs: member.peerURLs), task.state == .running,
                task.reachable == true
            else { continue }
            begin(.promote(member.id), now: now)
            out.log(
                .info, "promoting learner \(task.identity.name) (\(member.id.hex)) to voting member"
            )
            out.append(.promoteMember(member.id, via: etcdCallTargets))
            return true
        }
        return false
    }

    /// Removes one etcd member that matches no task (by peer URL; a member added but not started has no name).
    private mutating func removeStaleMember(
        from view: [EtcdMember], now: ReconcilerInstant, out: inout ActionBuffer
    ) -> Bool {
        let livePeerURLs = Set(
            tasks.values.map(\.identity.peerURL)
                + [pendingMember?.identity.peerURL].compactMap { $0 })
        let isLive = { (member: EtcdMember) in
            member.peerURLs.contains(where: livePeerURLs.contains)
        }
        guard view.contains(where: isLive),
            let stale = view.sorted(by: { $0.id < $1.id }).first(where: { !isLive($0) })
        else { return false }
        begin(.remove(stale.id), now: now)
        let name = stale.name.isEmpty ? "unstarted member" : stale.name
        out.log(
            .notice,
            "removing etcd member \(name) (\(stale.id.hex), \(stale.peerURLs.joined(separator: ","))): no task runs it"
        )
        out.append(.removeMember(stale.id, via: etcdCallTargets))
        return true
    }

    private mutating func startNextMember(
        hasQuorum: Bool, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        guard membersNeeded > 0, pendingMember == nil,
            !tasks.values.contains(where: { $0.state == .launching || $0.state == .starting })
        else { return }
        if let last = lastLaunch, now < last + configuration.chill { return }
        guard let heldIndex = heldOffers.firstIndex(where: { offerIsUsable($0.offer) }) else {
            return
        }

        if tasks.isEmpty {
            if let notBefore = newClusterNotBefore, now < notBefore { return }
            if pendingRestore != nil, configuration.clusterSize > 1 {
                startParallelSeed(now: now, out: &out)
                return
            }
            let held = heldOffers.remove(at: heldIndex)
            guard let identity = allocateIdentity(on: held.offer) else { return }
            if clusterEpoch == 0 { clusterEpoch = 1 }
            etcdMembers = nil
            health = HealthTracker()
            let entry = InitialClusterEntry(name: identity.name, peerURL: identity.peerURL)
            launch(identity, on: held.offer, cluster: [entry], state: .new, now: now, out: &out)
            return
        }
        guard hasQuorum, let view = etcdMembers, view.count < configuration.clusterSize,
            !view.contains(where: \.isLearner)
        else { return }
        let held = heldOffers.remove(at: heldIndex)
        guard let identity = allocateIdentity(on: held.offer) else { return }
        pendingMember = PendingMember(identity: identity, offer: held.offer)
        begin(.add(peerURL: identity.peerURL), now: now)
        out.log(.info, "adding etcd member \(identity.name) at \(identity.peerURL)")
        out.append(
            .addMember(
                peerURL: identity.peerURL, asLearner: configuration.addMembersAsLearners,
                via: etcdCallTargets))
    }

    /// Launches the seed of a restore on as many agents as the cluster has members (one member per offer),
    /// once offers from that many agents are held, or `seedOfferWait` after the first usable one with those
    /// held; every launch names every seed member in its initial cluster. Members missing then are added later
    /// through the usual add (they join the restored members over raft).
    private mutating func startParallelSeed(now: ReconcilerInstant, out: inout ActionBuffer) {
        let usable = heldOffers.filter { offerIsUsable($0.offer) }
        guard let oldest = usable.map(\.receivedAt).min() else { return }
        var hosts: Set<String> = []
        let distinct = usable.filter { hosts.insert($0.offer.hostname).inserted }
        let wanted = configuration.clusterSize
        if distinct.count < wanted && now < oldest + configuration.seedOfferWait { return }
        let chosen = Array(distinct.prefix(wanted))
        heldOffers.removeAll { held in chosen.contains { $0.offer.id == held.offer.id } }
        var seeds: [(MemberIdentity, ResourceOffer)] = []
        for held in chosen {
            if let identity = allocateIdentity(on: held.offer) {
                seeds.append((identity, held.offer))
            }
        }
        guard !seeds.isEmpty else { return }
        if clusterEpoch == 0 { clusterEpoch = 1 }
        etcdMembers = nil
        health = HealthTracker()
        let cluster = seeds.map { InitialClusterEntry(name: $0.0.name, peerURL: $0.0.peerURL) }
        out.log(
            .notice,
            "seeding cluster epoch \(clusterEpoch) with \(seeds.count) of \(wanted) members at once, "
                + "each restoring backup \(pendingRestore ?? "?")")
        for (identity, offer) in seeds {
            let own = cluster.filter { $0.name == identity.name }
            let others = cluster.filter { $0.name != identity.name }
            launch(identity, on: offer, cluster: own + others, state: .new, now: now, out: &out)
        }
    }

    /// Where an etcd call goes: the members whose task runs, the one the last probe found leading first
    /// (membership changes are served by the leader; a follower forwards them), then by member index.
    var etcdCallTargets: [MemberIdentity] {
        let running = tasks.values.filter { $0.state == .running }.sorted {
            $0.identity.index < $1.identity.index
        }
        let leads = { (task: TrackedTask) -> Bool in
            guard let status = task.lastStatus, task.reachable == true else { return false }
            return status.leaderID != 0 && status.leaderID == status.memberID
        }
        return (running.filter(leads) + running.filter { !leads($0) }).map(\.identity)
    }

    private func offerIsUsable(_ offer: ResourceOffer) -> Bool {
        !(configuration.singleInstancePerAgent && isOccupied(host: offer.hostname))
            && configuration.unfitness(of: offer) == nil
    }

    private mutating func allocateIdentity(on offer: ResourceOffer) -> MemberIdentity? {
        guard let ports = MemberPorts.allocate(from: offer.ports) else { return nil }
        defer { nextMemberIndex += 1 }
        return MemberIdentity(
            index: nextMemberIndex, host: offer.hostname, peerPort: ports.peer,
            clientPort: ports.client,
            reseedPort: ports.reseed)
    }

    private mutating func launch(
        _ identity: MemberIdentity, on offer: ResourceOffer, cluster: [InitialClusterEntry],
        state: InitialClusterState, now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        tasks[identity.taskID] = TrackedTask(
            identity: identity, agentID: offer.agentID, state: .launching,
            heardSinceSubscription: true,
            launchedAt: now)
        launchedServers += 1
        lastLaunch = now
        let restore = state == .new ? pendingRestore : nil
        out.log(
            .notice,
            "launching \(identity.name) on \(identity.host) (\(state.rawValue) cluster, epoch \(clusterEpoch)"
                + (restore.map { ", restoring backup \($0)" } ?? "") + ")")
        out.append(
            .launch(
                MemberLaunch(
                    offerID: offer.id, agentID: offer.agentID, member: identity,
                    resources: configuration.taskResources,
                    executorResources: configuration.executorResources,
                    initialCluster: cluster, initialClusterState: state, clusterEpoch: clusterEpoch,
                    restoreFromBackup: restore)))
    }

    private mutating func begin(_ operation: MembershipOperation, now: ReconcilerInstant) {
        membershipOperation = InFlightOperation(operation: operation, startedAt: now)
    }

    private mutating func operationSucceeded(_ operation: MembershipOperation) {
        guard membershipOperation?.operation == operation else { return }
        membershipOperation = nil
        membershipFailures = 0
        membershipRetryAt = nil
    }

    func task(withPeerURLs peerURLs: [String]) -> TrackedTask? {
        tasks.values.first { peerURLs.contains($0.identity.peerURL) }
    }

    mutating func memberAdded(
        peerURL: String, memberID: EtcdMemberID, members: [EtcdMember], now: ReconcilerInstant,
        out: inout ActionBuffer
    ) {
        etcdMembers = members
        operationSucceeded(.add(peerURL: peerURL))
        guard let pending = pendingMember, pending.identity.peerURL == peerURL else {
            out.log(
                .warning, "etcd added \(peerURL) after its add was given up; it will be removed")
            return
        }
        pendingMember = nil
        out.log(.info, "etcd added \(pending.identity.name) as member \(memberID.hex)")
        guard let offer = pending.offer else {
            out.log(
                .warning,
                "no offer left for \(pending.identity.name) after its member add; it will be removed and retried"
            )
            return
        }
        let others = members.filter { !$0.peerURLs.contains(peerURL) }.sorted { $0.id < $1.id }
            .flatMap { member in
                let name = member.name.isEmpty ? "member-\(member.id.hex)" : member.name
                return member.peerURLs.map { InitialClusterEntry(name: name, peerURL: $0) }
            }
        let selfEntry = InitialClusterEntry(name: pending.identity.name, peerURL: peerURL)
        launch(
            pending.identity, on: offer, cluster: [selfEntry] + others, state: .existing, now: now,
            out: &out)
    }

    mutating func memberRemoved(_ memberID: EtcdMemberID, out: inout ActionBuffer) {
        etcdMembers?.removeAll { $0.id == memberID }
        operationSucceeded(.remove(memberID))
    }

    mutating func memberPromoted(_ memberID: EtcdMemberID, out: inout ActionBuffer) {
        if let index = etcdMembers?.firstIndex(where: { $0.id == memberID }) {
            etcdMembers?[index].isLearner = false
        }
        operationSucceeded(.promote(memberID))
    }

    mutating func membershipOperationFailed(
        _ operation: MembershipOperation, reason: String, now: ReconcilerInstant,
        out: inout ActionBuffer
    ) {
        guard membershipOperation?.operation == operation else { return }
        membershipOperation = nil
        membershipFailures += 1
        let delay = configuration.retryDelay(afterFailures: membershipFailures)
        membershipRetryAt = now + delay
        out.log(.warning, "\(operation) failed (\(reason)); retrying in \(delay)")
        if case .add(let peerURL) = operation, let pending = pendingMember,
            pending.identity.peerURL == peerURL
        {
            if let offer = pending.offer {
                heldOffers.append(HeldOffer(offer: offer, receivedAt: now))
            }
            pendingMember = nil
        }
    }
}

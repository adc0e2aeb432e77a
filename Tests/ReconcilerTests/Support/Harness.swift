import Reconciler

/// Drives a `ClusterReconciler` against a `SimulatedWorld` with a hand-moved clock.
///
/// `send` hands one event to the reconciler and lets the world carry out the actions, which queues their
/// results; `deliver` feeds those results back. `step` is one second of life: tick, results, a health
/// probe, offers. Nothing sleeps; time only moves when a test moves it.
struct Harness {
    var reconciler: ClusterReconciler
    var world: SimulatedWorld
    var now = ReconcilerInstant.origin
    /// Every action the reconciler returned, in order.
    var log: [ClusterAction] = []
    let configuration: ReconcilerConfiguration
    private var offerCounter = 0

    init(
        size: Int = 3, agents: Int? = nil, restored: PersistedClusterState? = nil,
        _ configure: (inout ReconcilerConfiguration) -> Void = { _ in }
    ) {
        var configuration = ReconcilerConfiguration(clusterSize: size)
        configuration.taskResources = TaskResources(cpus: 1, memoryMB: 256, diskMB: 1024)
        configuration.firstMemberIndex = 1
        configure(&configuration)
        self.configuration = configuration
        reconciler = ClusterReconciler(configuration: configuration, restoredState: restored)
        world = SimulatedWorld(agentCount: agents ?? size + 2)
    }

    var stats: ClusterStats { reconciler.stats }
    var phase: ClusterPhase { reconciler.phase }

    @discardableResult
    mutating func send(_ event: ClusterEvent) -> [ClusterAction] {
        let actions = reconciler.handle(event, now: now)
        log += actions
        world.carryOut(actions, now: now)
        return actions
    }

    /// Feeds back every result the world queued, and the results of those, until none is left.
    @discardableResult
    mutating func deliver() -> [ClusterAction] {
        var all: [ClusterAction] = []
        var budget = 1000
        while !world.queued.isEmpty && budget > 0 {
            budget -= 1
            all += send(world.queued.removeFirst())
        }
        return all
    }

    /// Steps until the reconciler asks for a member add; returns when it did.
    mutating func stepUntilAdd(limit: Int = 30) -> ReconcilerInstant? {
        for _ in 0..<limit {
            if !step().addedPeerURLs.isEmpty { return now }
        }
        return nil
    }

    /// Feeds back only the next queued result.
    @discardableResult
    mutating func deliverOne() -> [ClusterAction] {
        world.queued.isEmpty ? [] : send(world.queued.removeFirst())
    }

    /// Steps until `condition` holds, checking `invariant` after every step; false if `limit` passes first.
    mutating func run(
        until condition: (Harness) -> Bool, within limit: Duration = .seconds(900),
        checking invariant: (Harness) -> Void
    ) -> Bool {
        let deadline = now + limit
        while !condition(self) {
            if now >= deadline { return false }
            step()
            invariant(self)
        }
        return true
    }

    @discardableResult
    mutating func tick(_ duration: Duration = .seconds(1)) -> [ClusterAction] {
        now = now + duration
        return send(.tick)
    }

    /// Moves the clock to `instant` (if later) and ticks.
    @discardableResult
    mutating func tick(at instant: ReconcilerInstant) -> [ClusterAction] {
        now = max(now, instant)
        return send(.tick)
    }

    /// A health probe of every task the reconciler tracks, as the adapter would make it.
    @discardableResult
    mutating func observe() -> [ClusterAction] {
        send(.clusterObserved(world.observation(probing: reconciler.members.map(\.taskID))))
    }

    /// Offers from the world's agents (only while offers are not suppressed or filtered).
    @discardableResult
    mutating func offerFromWorld() -> [ClusterAction] {
        let offers = world.offers(now: now)
        return offers.isEmpty ? [] : send(.offers(offers))
    }

    /// One second of life.
    @discardableResult
    mutating func step() -> [ClusterAction] {
        var actions = tick()
        actions += deliver()
        actions += observe()
        actions += deliver()
        actions += offerFromWorld()
        actions += deliver()
        return actions
    }

    /// Steps until `condition` holds; false if `limit` passes first.
    mutating func run(until condition: (Harness) -> Bool, within limit: Duration = .seconds(900))
        -> Bool
    {
        let deadline = now + limit
        while !condition(self) {
            if now >= deadline { return false }
            step()
        }
        return true
    }

    /// N members running, etcd healthy with N voters, nothing pending.
    var isSettled: Bool {
        stats.runningServers == configuration.clusterSize && stats.pendingServers == 0
            && stats.healthy == 1
            && world.voters.count == configuration.clusterSize
            && world.members.count == configuration.clusterSize
            && world.hasQuorum && phase == .mutable
    }

    /// Subscribes and forms a healthy cluster of the configured size.
    mutating func formCluster(frameworkID: FrameworkID = "framework-1") {
        subscribe(frameworkID)
        precondition(run(until: \.isSettled), "the cluster did not form: \(stats)")
    }

    mutating func subscribe(_ frameworkID: FrameworkID = "framework-1") {
        world.forgetOffers()
        send(.subscribed(frameworkID: frameworkID))
        deliver()
    }

    /// A scheduler restart: a new reconciler from what the old one persisted, started with the flags
    /// `configure` changes; the world keeps running.
    mutating func restartScheduler(_ configure: (inout ReconcilerConfiguration) -> Void = { _ in })
    {
        var restarted = configuration
        configure(&restarted)
        reconciler = ClusterReconciler(configuration: restarted, restoredState: world.persisted)
        world.forgetOffers()
        world.suppressed = false
    }

    // MARK: building events by hand

    mutating func offer(
        host number: Int, ports: [ClosedRange<Int>] = [31000...31099], cpus: Double = 8
    )
        -> ResourceOffer
    {
        offerCounter += 1
        let offer = ResourceOffer(
            id: OfferID("manual-offer-\(offerCounter)"), agentID: AgentID("agent-\(number)"),
            hostname: "127.0.0.\(number)", cpus: cpus, memoryMB: 16384, diskMB: 102_400,
            ports: ports)
        world.outstandingOffers[offer.id] = offer.hostname
        return offer
    }

    func task(onHost number: Int) -> TaskID? {
        reconciler.members.first { $0.identity.host == "127.0.0.\(number)" }?.taskID
    }

    var runningTasks: [TaskID] { reconciler.members.filter { $0.state == .running }.map(\.taskID) }
}

extension Collection where Element == ClusterAction {
    var launches: [MemberLaunch] { compactMap { if case .launch(let l) = $0 { l } else { nil } } }
    var declines: [OfferID] { compactMap { if case .decline(let id, _) = $0 { id } else { nil } } }
    var refuseSeconds: [Double] {
        compactMap { if case .decline(_, let s) = $0 { s } else { nil } }
    }
    var kills: [TaskID] { compactMap { if case .kill(let id, _) = $0 { id } else { nil } } }
    var addedPeerURLs: [String] {
        compactMap { if case .addMember(let url, _, _) = $0 { url } else { nil } }
    }
    var removedMembers: [EtcdMemberID] {
        compactMap { if case .removeMember(let id, _) = $0 { id } else { nil } }
    }
    var promotedMembers: [EtcdMemberID] {
        compactMap { if case .promoteMember(let id, _) = $0 { id } else { nil } }
    }
    var reseeds: [ReseedOrder] { compactMap { if case .reseed(let o) = $0 { o } else { nil } } }
    var persists: [PersistedClusterState] {
        compactMap { if case .persist(let s) = $0 { s } else { nil } }
    }
    var answers: [OperatorAnswer] { compactMap { if case .answer(let a) = $0 { a } else { nil } } }
    var reconciles: [[TaskToReconcile]] {
        compactMap { if case .reconcile(let l) = $0 { l } else { nil } }
    }
    var acknowledgements: [String] {
        compactMap { if case .acknowledge(_, _, let id) = $0 { id } else { nil } }
    }
    var suppresses: Int { filter { $0 == .suppressOffers }.count }
    var revives: Int { filter { $0 == .reviveOffers }.count }
    var logLines: [String] {
        compactMap { if case .log(let entry) = $0 { entry.message } else { nil } }
    }
    /// Everything but log lines, for exact comparisons.
    var withoutLogs: [ClusterAction] { filter { if case .log = $0 { false } else { true } } }

    /// Position of the first action matching `predicate`, for ordering checks.
    func position(of predicate: (ClusterAction) -> Bool) -> Int? {
        firstIndex(where: predicate).map { distance(from: startIndex, to: $0) }
    }
}

extension Harness {
    /// etcd on these hosts stops answering while the tasks keep running (a partition, or a hung etcd).
    mutating func cutOff(hosts: [Int]) {
        for (id, task) in world.tasks
        where hosts.map({ "127.0.0.\($0)" }).contains(task.identity.host) {
            world.tasks[id]?.etcdUp = false
        }
    }

    mutating func reconnect(hosts: [Int]) {
        for (id, task) in world.tasks
        where hosts.map({ "127.0.0.\($0)" }).contains(task.identity.host) {
            world.tasks[id]?.etcdUp = true
        }
        world.failRemovedMembers()
    }

    mutating func disconnect() {
        send(.disconnected)
        world.forgetOffers()
    }

    mutating func setRaftIndex(_ index: UInt64, host: Int) {
        if let id = world.task(onHost: host) { world.tasks[id]?.raftIndex = index }
    }

    /// Observes `count` times, one second apart.
    mutating func observe(times count: Int) {
        for _ in 0..<count {
            tick()
            observe()
        }
    }
}

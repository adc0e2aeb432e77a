/// The cluster brain: a value-type state machine that turns events (offers, task updates, etcd probes,
/// clock ticks, operator requests) into actions (launch, decline, kill, member add/remove, reseed, persist).
///
/// It does no I/O and reads no clock: the adapters carry out the actions and feed the results back as
/// events, each with the current time. So every scenario of docs/original-behaviour.md is a plain unit test.
///
/// What the adapters owe it:
/// - carry out the returned actions in order (`persist` first, acknowledgements last), and feed every etcd
///   call's result back (`memberAdded`/`memberRemoved`/`memberPromoted`/`memberOperationFailed`, a
///   "member not found" on removal counting as removed; `reseedFinished`/`reseedFailed`);
/// - send `tick` about once a second and probe etcd every few seconds (`clusterObserved`), probing every
///   task in `members` and taking the member list from the member that reports itself leader, if any;
/// - pass `now` from one monotonic clock.
///
/// Policies, each in its own file: offers and suppression (`+Offers`), task updates, reconciliation and
/// adoption (`+Tasks`), membership changes and launches (`+Membership`), health and livelock (`+Livelock`),
/// reseed (`+Reseed`), operator requests and total loss (`+Operator`), timers (`+Timers`).
public struct ClusterReconciler: Sendable {
    public let configuration: ReconcilerConfiguration

    // Mesos side.
    var mode: Mode = .disconnected
    var frameworkID: FrameworkID?
    var tasks: [TaskID: TrackedTask] = [:]
    var endedTasks = EndedTasks()
    var heldOffers: [HeldOffer] = []
    var offersSuppressed: Bool?
    var neededWhenLastRevived = 0
    var lastImplicitReconcile: ReconcilerInstant?
    var lastLaunch: ReconcilerInstant?
    /// After a failover, implicit reconciliation may still report tasks nobody persisted: no new cluster
    /// is started before this.
    var newClusterNotBefore: ReconcilerInstant?
    var nextMemberIndex: Int

    // etcd side.
    var etcdMembers: [EtcdMember]?
    var membershipOperation: InFlightOperation?
    var pendingMember: PendingMember?
    var membershipFailures = 0
    var membershipRetryAt: ReconcilerInstant?
    var health = HealthTracker()
    var reseed: ReseedProgress?

    // Cluster history (persisted).
    var clusterEpoch: Int
    var clusterFormed: Bool
    var lastKnownRevision: Int64
    var lastGoodBackup: String?
    /// The revision `lastGoodBackup` holds.
    var lastGoodBackupRevision: Int64?
    var pendingRestore: String?
    /// Carried for the scheduler (see `PersistedClusterState.executorSecretKey`).
    var executorSecretKey: String?
    /// `-restore-from` not yet used: applied at start when no task is on record, else at the first total loss.
    var startupRestore: String?
    var lastPersisted: PersistedClusterState
    var lastPersistTime: ReconcilerInstant?

    // Counters for /stats.
    var launchedServers = 0
    var failedServers = 0
    var clusterLivelocks = 0
    var clusterReseeds = 0

    /// - Parameters:
    ///   - restoredState: what a previous run persisted, or nil for a brand-new framework.
    public init(configuration: ReconcilerConfiguration, restoredState: PersistedClusterState? = nil)
    {
        self.configuration = configuration
        let restored = restoredState ?? PersistedClusterState()
        frameworkID = restored.frameworkID
        clusterEpoch = restored.clusterEpoch
        clusterFormed = restored.clusterFormed
        lastKnownRevision = restored.lastKnownRevision
        lastGoodBackup = restored.lastGoodBackup
        lastGoodBackupRevision = restored.lastGoodBackupRevision
        pendingRestore = restored.pendingRestore
        executorSecretKey = restored.executorSecretKey
        lastPersisted = restored
        var highestIndex = configuration.firstMemberIndex - 1
        for persisted in restored.tasks {
            guard let identity = MemberIdentity(taskID: persisted.taskID) else { continue }
            tasks[persisted.taskID] = TrackedTask(
                identity: identity, agentID: persisted.agentID, state: .launching)
            highestIndex = max(highestIndex, identity.index)
        }
        nextMemberIndex = highestIndex + 1
        if let seed = restored.reseedSeed {
            reseed = ReseedProgress(
                seed: seed, remainingCandidates: [], orderedAt: .origin, trigger: .resumed)
        }
        if case .restore(let backupID) = configuration.totalLoss {
            if tasks.isEmpty {
                // Nothing runs: the first member of a new epoch starts from the backup, before any empty
                // cluster could be launched.
                startNewEpoch(restoring: backupID)
                mode = .disconnected
            } else {
                startupRestore = backupID
            }
        }
    }

    /// Feeds one event; returns what the adapters must do, in order.
    public mutating func handle(_ event: ClusterEvent, now: ReconcilerInstant) -> [ClusterAction] {
        var out = ActionBuffer()
        switch event {
        case .subscribed(let frameworkID): subscribed(frameworkID, now: now, out: &out)
        case .disconnected: disconnected(out: &out)
        case .frameworkRemoved: frameworkRemoved(now: now, out: &out)
        case .offers(let offers): receive(offers, now: now, out: &out)
        case .offerRescinded(let offerID): rescind(offerID, out: &out)
        case .taskStatus(let status): receive(status, now: now, out: &out)
        case .clusterObserved(let observation): observe(observation, now: now, out: &out)
        case .memberAdded(let peerURL, let memberID, let members):
            memberAdded(peerURL: peerURL, memberID: memberID, members: members, now: now, out: &out)
        case .memberRemoved(let memberID): memberRemoved(memberID, out: &out)
        case .memberPromoted(let memberID): memberPromoted(memberID, out: &out)
        case .memberOperationFailed(let operation, let reason):
            membershipOperationFailed(operation, reason: reason, now: now, out: &out)
        case .reseedFinished(let taskID): reseedDelivered(taskID, out: &out)
        case .reseedFailed(let taskID, let reason):
            reseedFailed(taskID, reason: reason, now: now, out: &out)
        case .backupCompleted(let backupID, let revision):
            lastGoodBackup = backupID
            lastGoodBackupRevision = revision
            lastKnownRevision = max(lastKnownRevision, revision)
        case .tick: break
        case .operatorRequestedReseed: operatorRequestedReseed(now: now, out: &out)
        case .operatorRequestedRestore(let backupID):
            operatorRequestedRestore(backupID, now: now, out: &out)
        case .operatorRequestedEmptyStart: operatorRequestedEmptyStart(out: &out)
        }
        runTimers(now: now, out: &out)
        considerAutomaticReseed(now: now, out: &out)
        advanceMembership(now: now, out: &out)
        manageOffers(now: now, out: &out)
        return finish(out, now: now)
    }

    /// The `/stats` counters.
    public var stats: ClusterStats {
        ClusterStats(
            runningServers: runningCount, launchedServers: launchedServers,
            failedServers: failedServers,
            clusterLivelocks: clusterLivelocks, clusterReseeds: clusterReseeds,
            healthy: healthy ? 1 : 0,
            clusterSize: configuration.clusterSize,
            pendingServers: tasks.values.count { $0.state == .launching || $0.state == .starting },
            phase: phase.name, awaitingOperator: mode == .awaitingOperator ? 1 : 0,
            clusterEpoch: clusterEpoch,
            lastKnownRevision: lastKnownRevision)
    }

    /// The members for `/members` and `/membership`, ordered by name.
    public var members: [ClusterMember] {
        tasks.values.sorted { $0.identity.index < $1.identity.index }.map { task in
            let etcdMember = etcdMembers?.first { $0.peerURLs.contains(task.identity.peerURL) }
            return ClusterMember(
                identity: task.identity, agentID: task.agentID, state: task.state,
                etcdMemberID: etcdMember?.id ?? task.lastStatus?.memberID,
                isLearner: etcdMember?.isLearner ?? task.lastStatus?.isLearner ?? false,
                reachable: task.reachable)
        }
    }

    public var phase: ClusterPhase {
        switch mode {
        case .disconnected: .disconnected
        case .syncing: .syncing
        case .awaitingOperator: .awaitingOperator
        case .reseeding: .reseeding(seed: reseed?.seed ?? TaskID(""))
        case .mutable:
            if let since = health.livelockSince { .livelocked(since: since) } else { .mutable }
        }
    }

    /// What must be stored now; `persist` actions carry the same value whenever it changes.
    public var persistedState: PersistedClusterState {
        PersistedClusterState(
            frameworkID: frameworkID,
            tasks: tasks.values.map {
                PersistedTask(taskID: $0.identity.taskID, agentID: $0.agentID)
            }
            .sorted { $0.taskID < $1.taskID },
            clusterEpoch: clusterEpoch, clusterFormed: clusterFormed,
            lastKnownRevision: lastKnownRevision,
            lastGoodBackup: lastGoodBackup, lastGoodBackupRevision: lastGoodBackupRevision,
            reseedSeed: reseed?.seed,
            pendingRestore: pendingRestore,
            executorSecretKey: executorSecretKey
        )
    }

    var runningCount: Int { tasks.values.count { $0.state == .running } }

    var healthy: Bool {
        if mode == .awaitingOperator || health.livelockSince != nil { return false }
        if mode == .mutable && runningCount == 0 { return false }
        return health.lastAssessment?.isHealthy ?? true
    }

    /// Prepends `persist` when the stored state changed (a change of only the revision at most once per
    /// `revisionPersistInterval`) and appends acknowledgements, so both follow the decisions they record.
    private mutating func finish(_ out: ActionBuffer, now: ReconcilerInstant) -> [ClusterAction] {
        var result: [ClusterAction] = []
        let state = persistedState
        if state != lastPersisted {
            var revisionOnly = lastPersisted
            revisionOnly.lastKnownRevision = state.lastKnownRevision
            // The first write (revision above 1) is stored at once: it is what marks data worth protecting.
            let throttled =
                revisionOnly == state
                && (lastPersisted.lastKnownRevision > 1) == (state.lastKnownRevision > 1)
                && lastPersistTime.map { now < $0 + configuration.revisionPersistInterval } ?? false
            if !throttled {
                result.append(.persist(state))
                lastPersisted = state
                lastPersistTime = now
            }
        }
        return result + out.actions + out.acknowledgements
    }
}

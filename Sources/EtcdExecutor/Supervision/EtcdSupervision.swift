import Support

/// The decisions about one etcd member's process, apart from the I/O that carries them out: when to start
/// etcd, when to restart it after it exits and when to give up, how a reseed goes, and how a stop ends it.
///
/// `ExecutorStateMachine` runs it once etcd is to start: it feeds it inputs (with the time) and turns the
/// actions it returns into its own, which `EtcdSupervisor` carries out. Processes are numbered by
/// generation, so a late input about an older process is ignored.
///
/// Rules (docs/original-behaviour.md §3.3 and §5.7):
/// - etcd that exits is restarted after 0, 1, 2, 3, 4, 4, … s while the restart would still fall within the
///   launch timeout of the launch (or of the last reseed); otherwise the supervision gives up.
/// - a reseed stops etcd and starts it once with `--force-new-cluster` on the same data dir; later restarts
///   go without it. The reseed has succeeded when etcd leads its cluster of one.
/// - a stop ends everything: the pending reseed fails, no restart follows.
public struct EtcdSupervision: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public enum Input: Sendable, Equatable {
        case start(at: Instant)
        /// Process `generation` exited (or could not be started), with a description of how.
        case exited(generation: Int, status: String, at: Instant)
        /// Process `generation` answered the probe that `.probe` asked for.
        case answered(generation: Int)
        /// The wait before restarting after `generation` exited is over.
        case restartDue(generation: Int)
        case reseedRequested(id: Int, at: Instant)
        case reseedTimedOut(id: Int)
        case stopRequested(gracePeriod: Duration)
    }

    public enum Action: Sendable, Equatable {
        case launch(generation: Int, forceNewCluster: Bool)
        /// Poll etcd's status until it answers (until it leads itself, when asked), then feed `.answered`.
        case probe(generation: Int, untilLeadingItself: Bool)
        /// SIGTERM, then SIGKILL after the grace period; the exit comes back as `.exited`.
        case terminate(generation: Int, gracePeriod: Duration)
        case scheduleRestart(generation: Int, after: Duration)
        /// etcd answered for the first time: the task runs.
        case reportRunning
        case answerReseed(id: Int, ReseedOutcome)
        case scheduleReseedTimeout(id: Int, after: Duration)
        case finish(Outcome)
    }

    /// How the supervision ended.
    public enum Outcome: Sendable, Equatable {
        /// Stopped on request.
        case stopped
        /// etcd kept exiting until the launch timeout passed.
        case gaveUp(reason: String)
    }

    private enum ReseedStage: Equatable {
        case stoppingOld
        case startedNew(generation: Int)
    }

    public let launchTimeout: Duration
    public let reseedTimeout: Duration
    public let reseedStopGracePeriod: Duration
    public let backoff: RestartBackoff

    private var generation = 0
    private var running: Int?
    private var pendingRestart: Int?
    private var windowStart: Instant?
    private var restarts = 0
    private var reportedRunning = false
    private var stopping = false
    private var finished = false
    private var reseed: (id: Int, stage: ReseedStage)?

    public init(
        launchTimeout: Duration, reseedTimeout: Duration, reseedStopGracePeriod: Duration,
        backoff: RestartBackoff = RestartBackoff()
    ) {
        self.launchTimeout = launchTimeout
        self.reseedTimeout = reseedTimeout
        self.reseedStopGracePeriod = reseedStopGracePeriod
        self.backoff = backoff
    }

    public mutating func handle(_ input: Input) -> [Action] {
        if finished {
            if case .reseedRequested(let id, _) = input {
                return [
                    .answerReseed(
                        id: id, .unavailable("etcd is no longer supervised: the task has ended"))
                ]
            }
            return []
        }
        switch input {
        case .start(let now):
            guard windowStart == nil else { return [] }
            windowStart = now
            return launch(forceNewCluster: false)
        case .exited(let exited, let status, let now):
            return processExited(exited, status: status, at: now)
        case .answered(let answered):
            return processAnswered(answered)
        case .restartDue(let exited):
            guard pendingRestart == exited, !stopping else { return [] }
            pendingRestart = nil
            return launch(forceNewCluster: false)
        case .reseedRequested(let id, let now):
            return reseedRequested(id, at: now)
        case .reseedTimedOut(let id):
            guard let current = reseed, current.id == id else { return [] }
            reseed = nil
            let limit = GoDuration.format(reseedTimeout)
            return [
                .answerReseed(
                    id: id, .failed("etcd did not lead a one-member cluster within \(limit)"))
            ]
        case .stopRequested(let gracePeriod):
            stopping = true
            pendingRestart = nil
            var actions: [Action] = []
            if let current = reseed {
                reseed = nil
                actions.append(
                    .answerReseed(id: current.id, .unavailable("the task is being stopped")))
            }
            if let running {
                actions.append(.terminate(generation: running, gracePeriod: gracePeriod))
            } else {
                finished = true
                actions.append(.finish(.stopped))
            }
            return actions
        }
    }

    private mutating func launch(forceNewCluster: Bool) -> [Action] {
        generation += 1
        running = generation
        return [
            .launch(generation: generation, forceNewCluster: forceNewCluster),
            .probe(generation: generation, untilLeadingItself: forceNewCluster),
        ]
    }

    private mutating func processExited(_ exited: Int, status: String, at now: Instant) -> [Action]
    {
        guard exited == running else { return [] }
        running = nil
        if stopping {
            finished = true
            return [.finish(.stopped)]
        }
        if let current = reseed, current.stage == .stoppingOld {
            // The old etcd is down: start it once as the seed of a new cluster, with a fresh launch window.
            windowStart = now
            restarts = 0
            reseed = (current.id, .startedNew(generation: generation + 1))
            return launch(forceNewCluster: true)
        }
        var actions: [Action] = []
        if let current = reseed, current.stage == .startedNew(generation: exited) {
            reseed = nil
            actions.append(
                .answerReseed(
                    id: current.id, .failed("etcd \(status) before it led a one-member cluster")))
        }
        let delay = backoff.delay(beforeRestart: restarts)
        if let windowStart, now + delay - windowStart > launchTimeout {
            finished = true
            let starts = restarts + 1
            actions.append(
                .finish(
                    .gaveUp(
                        reason:
                            "etcd \(status); it was started \(starts) time\(starts == 1 ? "" : "s") and the "
                            + "launch timeout of \(GoDuration.format(launchTimeout)) has passed")))
            return actions
        }
        restarts += 1
        pendingRestart = exited
        actions.append(.scheduleRestart(generation: exited, after: delay))
        return actions
    }

    private mutating func processAnswered(_ answered: Int) -> [Action] {
        guard answered == running else { return [] }
        var actions: [Action] = []
        if !reportedRunning {
            reportedRunning = true
            actions.append(.reportRunning)
        }
        if let current = reseed, current.stage == .startedNew(generation: answered) {
            reseed = nil
            actions.append(.answerReseed(id: current.id, .reseeded))
        }
        return actions
    }

    private mutating func reseedRequested(_ id: Int, at now: Instant) -> [Action] {
        if stopping { return [.answerReseed(id: id, .unavailable("the task is being stopped"))] }
        if reseed != nil { return [.answerReseed(id: id, .busy)] }
        guard windowStart != nil else {
            return [.answerReseed(id: id, .unavailable("etcd has not been started yet"))]
        }
        var actions: [Action] = [.scheduleReseedTimeout(id: id, after: reseedTimeout)]
        if let running {
            reseed = (id, .stoppingOld)
            actions.append(.terminate(generation: running, gracePeriod: reseedStopGracePeriod))
        } else {
            // Waiting to restart: start the seed now instead.
            pendingRestart = nil
            windowStart = now
            restarts = 0
            reseed = (id, .startedNew(generation: generation + 1))
            actions += launch(forceNewCluster: true)
        }
        return actions
    }
}

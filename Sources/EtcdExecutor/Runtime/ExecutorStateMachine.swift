import Logging
import MesosAPI
import TaskContract

/// The etcd executor's decisions, apart from the I/O that carries them out: which task it runs,
/// when the restore, the reseed listener and etcd start, how KILL, SHUTDOWN, SIGTERM and a lost
/// agent stop them, which status updates go out, and when the executor exits.
///
/// `EtcdExecutorRuntime` feeds it events (with the time) and carries out the actions it returns.
/// The rules for etcd's process (restarts, giving up, reseeds) are `EtcdSupervision`'s, which this
/// machine runs inside once etcd is to start and whose actions it turns into its own.
///
/// - TASK_STARTING goes out at once, TASK_RUNNING when etcd first answers its status.
/// - A task that names a backup, on an empty data dir, stays STARTING while the data dir is
///   restored; the restore failing ends the task as TASK_FAILED before anything else starts.
/// - The reseed listener starts before etcd; when it cannot listen the task fails.
/// - KILL, SHUTDOWN, SIGTERM and a lost agent stop etcd (or the restore); the task ends
///   TASK_KILLED.
/// - etcd that cannot be kept running ends the task as TASK_FAILED with the end of its log.
/// - The executor runs one task: a second LAUNCH and task groups are refused with TASK_FAILED.
public struct ExecutorStateMachine: Sendable {
    public typealias Instant = ContinuousClock.Instant

    /// The settings the decisions depend on.
    public struct Configuration: Sendable, Equatable {
        /// The agent's time between SHUTDOWN and killing the executor; also a KILL's default grace.
        public var shutdownGracePeriod: Duration
        public var launchTimeout: Duration
        public var reseedTimeout: Duration
        public var reseedStopGracePeriod: Duration
        public var backoff: RestartBackoff

        public init(
            shutdownGracePeriod: Duration, launchTimeout: Duration, reseedTimeout: Duration,
            reseedStopGracePeriod: Duration, backoff: RestartBackoff = RestartBackoff()
        ) {
            self.shutdownGracePeriod = shutdownGracePeriod
            self.launchTimeout = launchTimeout
            self.reseedTimeout = reseedTimeout
            self.reseedStopGracePeriod = reseedStopGracePeriod
            self.backoff = backoff
        }

        public init(settings: EtcdExecutorSettings) {
            self.init(
                shutdownGracePeriod: settings.mesos.shutdownGracePeriod,
                launchTimeout: settings.launchTimeout, reseedTimeout: settings.reseedTimeout,
                reseedStopGracePeriod: settings.reseedStopGracePeriod)
        }

        /// etcd gets most of the agent's grace period after SHUTDOWN or SIGTERM, leaving time to
        /// report TASK_KILLED before the agent kills the executor.
        var shutdownStopGrace: Duration {
            max(shutdownGracePeriod - .seconds(1), shutdownGracePeriod / 2)
        }
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// The first SUBSCRIBED arrived: updates reach the agent.
        case subscribed
        /// The agent is lost for good (or the subscription never came up).
        case agentLost
        /// LAUNCH; `dataDirectoryIsEmpty` is true when the data dir is absent or empty.
        case launch(TaskInfo, dataDirectoryIsEmpty: Bool)
        case launchGroup([TaskID])
        /// KILL, with the grace period of its kill policy.
        case kill(TaskID, gracePeriod: Duration?)
        /// SHUTDOWN from the agent.
        case shutdown
        /// SIGTERM or SIGINT: the executor's service group shuts down.
        case terminationRequested
        case restoreEnded(Result<MemberRestore.Restored, MemberRestoreError>)
        case reseedListenerStarted
        /// The reseed listener cannot listen; the message says where and why.
        case reseedListenerFailed(String)
        case etcd(EtcdProcessEvent)
        /// `POST /reseed` arrived; `.answerReseed` answers it.
        case reseedRequested(id: Int)
    }

    /// What to do.
    public enum Action: Sendable, Equatable {
        case report(StatusReport)
        case log(Logger.Level, String)
        /// Restore the member's data dir from the backup; `.restoreEnded` follows.
        case startRestore(EtcdTaskData, from: EtcdTaskData.RestoreSource)
        /// Stop the restore; `.restoreEnded` still follows.
        case stopRestore
        /// Start the reseed listener, guarding reseeds with `access` (the task's secret, no reseed while the
        /// member sees a leader); `.reseedListenerStarted` or `.reseedListenerFailed` follows.
        case startReseedListener(host: String, port: Int, access: ReseedAccess)
        case etcd(EtcdProcessCommand)
        case answerReseed(id: Int, ReseedOutcome)
        /// Exit with `code`, once the agent has acknowledged the last update when
        /// `awaitAcknowledgement`.
        case exit(code: Int32, awaitAcknowledgement: Bool)
    }

    /// A status update to send.
    public struct StatusReport: Sendable, Equatable {
        public var taskID: TaskID
        public var state: TaskState
        public var message: String?
        /// Append the end of etcd's log to the message: it says why etcd stopped.
        public var attachesEtcdLog: Bool

        public init(
            _ taskID: TaskID, _ state: TaskState, _ message: String? = nil,
            attachesEtcdLog: Bool = false
        ) {
            self.taskID = taskID
            self.state = state
            self.message = message
            self.attachesEtcdLog = attachesEtcdLog
        }
    }

    /// The task this executor runs, from its LAUNCH on.
    struct Member {
        var taskID: TaskID
        var killGracePeriod: Duration?
        var data: EtcdTaskData
        /// The backup the data dir was restored from, for the RUNNING message.
        var restored: MemberRestore.Restored?
    }

    /// How far the member has come.
    enum Stage: Equatable {
        case restoring
        case startingListener
        /// etcd is under `supervision`.
        case supervising
    }

    public let configuration: Configuration
    var member: Member?
    var stage: Stage?
    var supervision: EtcdSupervision?
    /// Why the executor is stopping, once it is.
    var stopReason: String?
    var subscribed = false
    var agentLost = false
    /// The machine said `.exit`: nothing more happens.
    var exited = false

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public mutating func handle(_ event: Event, at now: Instant) -> [Action] {
        if exited {
            guard case .reseedRequested(let id) = event else { return [] }
            return [
                .answerReseed(
                    id: id, .unavailable("etcd is no longer supervised: the task has ended"))
            ]
        }
        switch event {
        case .subscribed:
            subscribed = true
            return []
        case .agentLost:
            agentLost = true
            return stop("the executor lost its agent", gracePeriod: configuration.shutdownStopGrace)
        case .launch(let task, let dataDirectoryIsEmpty):
            return launch(task, dataDirectoryIsEmpty: dataDirectoryIsEmpty)
        case .launchGroup(let tasks):
            return tasks.map {
                .report(.init($0, .failed, "the etcd executor runs single tasks, not task groups"))
            }
        case .kill(let taskID, let gracePeriod):
            guard let member, member.taskID == taskID else {
                return [.log(.warning, "KILL for a task this executor does not run: \(taskID)")]
            }
            let grace = gracePeriod ?? member.killGracePeriod ?? configuration.shutdownGracePeriod
            return stop("killed by the scheduler", gracePeriod: grace)
        case .shutdown:
            return stop(
                "the agent shut the executor down", gracePeriod: configuration.shutdownStopGrace)
        case .terminationRequested:
            return stop(
                "the executor received SIGTERM or SIGINT",
                gracePeriod: configuration.shutdownStopGrace)
        case .restoreEnded(let result):
            return restoreEnded(result)
        case .reseedListenerStarted:
            return listenerStarted(at: now)
        case .reseedListenerFailed(let reason):
            guard let member, stage == .startingListener else { return [] }
            return finish(.init(member.taskID, .failed, reason), code: 1)
        case .etcd(.exited(let generation, let status)):
            return supervise(.exited(generation: generation, status: status, at: now))
        case .etcd(.answered(let generation)):
            return supervise(.answered(generation: generation))
        case .etcd(.restartDue(let generation)):
            return supervise(.restartDue(generation: generation))
        case .etcd(.reseedTimedOut(let id)):
            return supervise(.reseedTimedOut(id: id))
        case .reseedRequested(let id):
            guard supervision != nil else {
                return [.answerReseed(id: id, .unavailable("etcd has not been started yet"))]
            }
            return supervise(.reseedRequested(id: id, at: now))
        }
    }

    /// Ends the task with `report`, then exits with `code`.
    mutating func finish(_ report: StatusReport, code: Int32) -> [Action] {
        exited = true
        return [.report(report), .exit(code: code, awaitAcknowledgement: subscribed && !agentLost)]
    }
}

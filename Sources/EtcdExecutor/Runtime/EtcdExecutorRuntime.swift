import Foundation
import Logging
import MesosAPI
import ProcessControl
import TaskContract

/// One run of the etcd executor: subscribes to the agent, runs the etcd member of the task it is launched
/// with, reports the task's states, and returns (with the exit code) once the task has ended.
///
/// TASK_STARTING goes out at once, TASK_RUNNING when etcd first answers its status. A task that names a backup
/// to restore, on an empty data dir, stays STARTING while `MemberRestore` writes the data dir; its failure ends
/// the task as TASK_FAILED before anything (etcd, the reseed listener) is started. KILL, SHUTDOWN and
/// SIGTERM stop etcd and end in TASK_KILLED; etcd that cannot be kept running ends in TASK_FAILED with the end
/// of its log. Before exiting the runtime waits (bounded) for the agent to acknowledge the final update.
public struct EtcdExecutorRuntime: Sendable {
    public let settings: EtcdExecutorSettings
    public let logger: Logger

    public init(settings: EtcdExecutorSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the task has ended or the agent is lost for good; returns the process exit code (0 after a
    /// kill or shutdown, 1 after a failure).
    public func run(signals: TerminationSignals) async -> Int32 {
        let (inputs, input) = AsyncStream.makeStream(of: RuntimeInput.self)
        return await withTaskGroup(of: Void.self, returning: Int32.self) { group in
            // Signals count from the start: a SIGTERM while subscribing must not be ignored.
            group.addTask {
                let signal = await signals.next()
                if !Task.isCancelled { input.yield(.signal(signal)) }
            }
            group.addTask { [settings, logger] in
                let client: ExecutorClient
                do {
                    client = try await ExecutorClient.subscribe(environment: settings.mesos, logger: logger)
                } catch {
                    input.yield(.subscriptionEnded(reason: "cannot subscribe to the Mesos agent: \(error)"))
                    return
                }
                input.yield(.connected(client))
                do {
                    for try await event in client.events { input.yield(.event(event)) }
                    input.yield(.subscriptionEnded(reason: nil))
                } catch {
                    input.yield(.subscriptionEnded(reason: "\(error)"))
                }
            }
            var loop = RuntimeLoop(settings: settings, input: input, logger: logger)
            var exitCode: Int32 = 1
            for await next in inputs {
                if let code = await loop.handle(next, in: &group) {
                    exitCode = code
                    break
                }
            }
            loop.client?.close()
            group.cancelAll()
            return exitCode
        }
    }
}

/// What the runtime reacts to, in the order it happened.
enum RuntimeInput: Sendable {
    case connected(ExecutorClient)
    case event(ExecutorEvent)
    case subscriptionEnded(reason: String?)
    case signal(Int32)
    case etcdRunning
    case restoreEnded(Result<MemberRestore.Restored, MemberRestoreError>)
    case supervisionEnded(EtcdSupervision.Outcome)
}

/// The runtime's state between inputs: the member it runs (or restores), and why it is stopping.
private struct RuntimeLoop {
    struct Member {
        let taskID: TaskID
        let data: EtcdTaskData
        let killPolicy: KillPolicy?
        let supervisor: EtcdSupervisor
        /// The backup the data dir was restored from, for the RUNNING message.
        let restored: MemberRestore.Restored?
    }

    /// A task whose data dir is being restored; etcd starts once the restore has finished.
    struct Restoring {
        let task: TaskInfo
        let data: EtcdTaskData
        /// Stops the restore (a KILL, SHUTDOWN or signal meanwhile).
        let stop: AsyncStream<Void>.Continuation
    }

    let settings: EtcdExecutorSettings
    let input: AsyncStream<RuntimeInput>.Continuation
    let logger: Logger
    var client: ExecutorClient?
    var member: Member?
    var restoring: Restoring?
    var stopReason: String?
    var agentLost = false

    init(settings: EtcdExecutorSettings, input: AsyncStream<RuntimeInput>.Continuation, logger: Logger) {
        self.settings = settings
        self.input = input
        self.logger = logger
    }

    /// Handles one input; returns the exit code once the executor should exit.
    mutating func handle(_ next: RuntimeInput, in group: inout TaskGroup<Void>) async -> Int32? {
        switch next {
        case .connected(let connected):
            client = connected
            logger.info(
                "subscribed to the Mesos agent",
                metadata: [
                    "agent": "\(settings.mesos.agentEndpoint)", "executor": "\(settings.mesos.executorID)",
                    "checkpoint": "\(settings.mesos.checkpoint)",
                ])
        case .event(.launch(let launch)):
            return await launchTask(launch.task, in: &group)
        case .event(.launchGroup(let launch)):
            for task in launch.taskGroup.tasks {
                await report(task.taskID, .failed, "the etcd executor runs single tasks, not task groups")
            }
        case .event(.kill(let kill)):
            guard let taskID = member?.taskID ?? restoring?.task.taskID, kill.taskID == taskID else {
                logger.warning("KILL for a task this executor does not run", metadata: ["task": "\(kill.taskID)"])
                return nil
            }
            let taskPolicy = member?.killPolicy ?? restoring?.task.killPolicy
            let grace =
                kill.killPolicy?.gracePeriod?.duration ?? taskPolicy?.gracePeriod?.duration
                ?? settings.mesos.shutdownGracePeriod
            return stop(reason: "killed by the scheduler", gracePeriod: grace)
        case .event(.shutdown):
            return stop(reason: "the agent shut the executor down", gracePeriod: shutdownStopGrace)
        case .signal(let number):
            return stop(reason: "the executor received signal \(number)", gracePeriod: shutdownStopGrace)
        case .event(.subscribed):
            logger.info("re-subscribed to the Mesos agent")
        case .event(.error(let error)):
            logger.error("the agent sent ERROR", metadata: ["message": "\(error.message)"])
        case .event(.message(let message)):
            logger.info("message from the scheduler ignored", metadata: ["bytes": "\(message.data.count)"])
        case .event(.acknowledged), .event(.heartbeat), .event(.unrecognized):
            break
        case .subscriptionEnded(let reason):
            logger.error("lost the Mesos agent", metadata: ["reason": "\(reason ?? "the subscription was closed")"])
            agentLost = true
            return stop(reason: "the executor lost its agent", gracePeriod: shutdownStopGrace)
        case .etcdRunning:
            guard let member else { return nil }
            var message = "etcd member \(member.data.member.name) serves clients at \(member.data.member.clientURL)"
            if let restored = member.restored {
                message += "; restored from backup \(restored.backupID) (revision \(restored.revision))"
            }
            await report(member.taskID, .running, message)
        case .restoreEnded(let result):
            return await restoreEnded(result, in: &group)
        case .supervisionEnded(let outcome):
            guard let member else { return 1 }
            switch outcome {
            case .stopped:
                let final = await report(member.taskID, .killed, "etcd stopped: \(stopReason ?? "on request")")
                return await exit(0, after: final)
            case .gaveUp(let reason):
                let final = await report(member.taskID, .failed, failureMessage(reason))
                return await exit(1, after: final)
            }
        }
        return nil
    }

    private mutating func launchTask(_ task: TaskInfo, in group: inout TaskGroup<Void>) async -> Int32? {
        if let (name, runningTask) = member.map({ ($0.data.member.name, $0.taskID) })
            ?? restoring.map({ ($0.data.member.name, $0.task.taskID) })
        {
            await report(
                task.taskID, .failed, "this executor already runs etcd member \(name) (task \(runningTask))")
            return nil
        }
        if let stopReason {
            await report(task.taskID, .killed, "the executor is stopping: \(stopReason)")
            return nil
        }
        let prepared = MemberPreparation.taskData(of: task)
        let restore = try? prepared.get().restore
        let needsRestore = restore != nil && MemberRestore.isNeeded(dataDirectory: settings.dataDirectory)
        let restoreNote = restore.map { "restoring the member's data dir from the backup \($0.url) before etcd starts" }
        await report(task.taskID, .starting, needsRestore ? restoreNote : nil)
        let data: EtcdTaskData
        switch prepared {
        case .success(let prepared): data = prepared
        case .failure(let failure):
            logger.error("cannot run the task", metadata: ["task": "\(task.taskID)", "error": "\(failure)"])
            let final = await report(task.taskID, .failed, failure.description)
            return await exit(1, after: final)
        }
        if let restore {
            guard needsRestore else {
                logger.notice(
                    "the data dir exists already: starting etcd on it instead of restoring the backup again",
                    metadata: ["data_dir": "\(settings.dataDirectory)", "backup": "\(restore.url)"])
                return await startMember(task, data, restored: nil, in: &group)
            }
            startRestore(task, data, from: restore, in: &group)
            return nil
        }
        return await startMember(task, data, restored: nil, in: &group)
    }

    /// Restores the data dir in the background; `.restoreEnded` follows.
    private mutating func startRestore(
        _ task: TaskInfo, _ data: EtcdTaskData, from source: EtcdTaskData.RestoreSource, in group: inout TaskGroup<Void>
    ) {
        let restore = MemberRestore(
            source: source,
            member: .init(
                name: data.member.name, initialCluster: data.initialClusterFlag, clusterToken: data.clusterToken,
                peerURL: data.member.peerURL),
            etcdBinary: settings.etcdBinary, sandbox: settings.mesos.sandbox, dataDirectory: settings.dataDirectory,
            fetchTimeout: settings.restoreFetchTimeout, toolTimeout: settings.restoreToolTimeout, logger: logger)
        let (stops, stop) = AsyncStream.makeStream(of: Void.self)
        restoring = Restoring(task: task, data: data, stop: stop)
        let input = input
        group.addTask {
            let result = await restore.run(until: stops)
            input.yield(.restoreEnded(result))
        }
    }

    private mutating func restoreEnded(
        _ result: Result<MemberRestore.Restored, MemberRestoreError>, in group: inout TaskGroup<Void>
    ) async -> Int32? {
        guard let current = restoring else { return nil }
        restoring = nil
        current.stop.finish()
        let taskID = current.task.taskID
        if let stopReason {
            let final = await report(
                taskID, .killed, "stopped while restoring the backup, etcd never ran: \(stopReason)")
            return await exit(agentLost ? 1 : 0, after: final)
        }
        switch result {
        case .success(let restored):
            return await startMember(current.task, current.data, restored: restored, in: &group)
        case .failure(let error):
            logger.error("the restore failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
            let final = await report(
                taskID, .failed, "cannot restore etcd member \(current.data.member.name) from its backup: \(error)")
            return await exit(1, after: final)
        }
    }

    /// Starts the reseed listener and the supervisor that runs etcd.
    private mutating func startMember(
        _ task: TaskInfo, _ data: EtcdTaskData, restored: MemberRestore.Restored?, in group: inout TaskGroup<Void>
    ) async -> Int32? {
        let supervisor = EtcdSupervisor(
            launch: .init(
                binary: settings.etcdBinary,
                commandLine: EtcdCommandLine(
                    task: data, dataDirectory: settings.dataDirectory,
                    listenHost: ListenAddress.resolve(data.member.host)),
                workingDirectory: settings.mesos.sandbox, logPath: settings.etcdLogPath),
            decisions: EtcdSupervision(
                launchTimeout: settings.launchTimeout, reseedTimeout: settings.reseedTimeout,
                reseedStopGracePeriod: settings.reseedStopGracePeriod),
            logger: logger)
        do {
            try await ReseedListener.start(
                host: data.member.host, port: data.member.httpPort, logger: logger, in: &group
            ) { await supervisor.reseed() }
        } catch {
            let final = await report(task.taskID, .failed, "\(error)")
            return await exit(1, after: final)
        }
        member = Member(
            taskID: task.taskID, data: data, killPolicy: task.killPolicy, supervisor: supervisor, restored: restored)
        logger.info("running etcd member", metadata: ["member": "\(data.member.name)", "task": "\(task.taskID)"])
        let input = input
        group.addTask {
            let outcome = await supervisor.run { input.yield(.etcdRunning) }
            input.yield(.supervisionEnded(outcome))
        }
        return nil
    }

    /// Stops etcd (the task then ends as KILLED), or exits at once when no etcd runs.
    private mutating func stop(reason: String, gracePeriod: Duration) -> Int32? {
        if let restoring {
            if stopReason == nil { stopReason = reason }
            logger.info("stopping the restore", metadata: ["reason": "\(reason)"])
            restoring.stop.yield()
            return nil
        }
        guard let member else { return agentLost ? 1 : 0 }
        if stopReason == nil { stopReason = reason }
        logger.info("stopping etcd", metadata: ["reason": "\(reason)", "grace": "\(gracePeriod)"])
        member.supervisor.stop(gracePeriod: gracePeriod)
        return nil
    }

    /// Waits (bounded) for the agent to acknowledge the final update `uuid`, then returns `code`.
    private func exit(_ code: Int32, after uuid: Data?) async -> Int32 {
        if !agentLost, let client, let uuid,
            !(await client.waitUntilAcknowledged(uuid, timeout: settings.finalAcknowledgementTimeout))
        {
            logger.warning("the agent did not acknowledge the final update in time; exiting anyway")
        }
        return code
    }

    /// etcd gets most of the agent's grace period, leaving time to report TASK_KILLED before the agent kills us.
    private var shutdownStopGrace: Duration {
        let grace = settings.mesos.shutdownGracePeriod
        return max(grace - .seconds(1), grace / 2)
    }

    private func failureMessage(_ reason: String) -> String {
        let tail = EtcdLogTail.read(settings.etcdLogPath)
        guard !tail.isEmpty else { return reason + " (etcd wrote nothing to \(settings.etcdLogPath))" }
        return reason + "\nlast lines of \(settings.etcdLogPath):\n" + tail
    }

    /// Sends a status update; returns its uuid, or nil if it could not be sent.
    @discardableResult
    private func report(_ taskID: TaskID, _ state: TaskState, _ message: String?) async -> Data? {
        logger.info("task update", metadata: ["task": "\(taskID)", "state": "\(state)"])
        guard let client else { return nil }
        do {
            return try await client.update(TaskStatus(taskID: taskID, state: state, message: message))
        } catch {
            logger.error("the agent refused a status update", metadata: ["state": "\(state)", "error": "\(error)"])
            return nil
        }
    }
}

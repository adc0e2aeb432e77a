import Foundation
import Logging
import MesosAPI
import ServiceLifecycle
import Synchronization
import TaskContract

/// The executor's run loop, as the service of its group that decides: it feeds what happens (agent
/// events, etcd's exits and answers, the restore's end, reseed requests, SIGTERM) into
/// `ExecutorStateMachine` and carries out the actions it returns — status updates, the restore, the
/// reseed listener's start, commands to the `EtcdSupervisor` — until the machine says to exit.
///
/// It is the last service of the group, so the group's graceful shutdown (SIGTERM, SIGINT) reaches
/// it first, and etcd is stopped and TASK_KILLED acknowledged while the agent subscription and the
/// supervisor still run. The restore runs as its child task.
final class EtcdExecutorRuntime: Service {
    /// The services and queue the run loop works with.
    struct Parts: Sendable {
        var mailbox: RuntimeMailbox
        var supervisor: EtcdSupervisor
        var listener: ReseedListener
        var reseeds: ReseedRequests
    }

    private let settings: EtcdExecutorSettings
    private let parts: Parts
    private let logger: Logger
    private let outcome = Mutex<Int32?>(nil)

    init(settings: EtcdExecutorSettings, parts: Parts, logger: Logger) {
        self.settings = settings
        self.parts = parts
        self.logger = logger
    }

    /// The exit code once `run` has returned: 0 after a kill or shutdown, 1 after a failure.
    var exitCode: Int32 { outcome.withLock { $0 } ?? 1 }

    func run() async {
        let mailbox = parts.mailbox
        let code = await withGracefulShutdownHandler {
            await withDiscardingTaskGroup(returning: Int32.self) { jobs in
                var loop = RuntimeLoop(settings: settings, parts: parts, logger: logger)
                var code: Int32 = 1
                for await next in mailbox.inputs {
                    if let exit = await loop.handle(next, jobs: &jobs) {
                        code = exit
                        break
                    }
                }
                jobs.cancelAll()
                return code
            }
        } onGracefulShutdown: {
            mailbox.send(.terminationRequested)
        }
        parts.reseeds.close()
        outcome.withLock { $0 = code }
    }
}

/// The run loop's state besides the machine's: the agent client, the last update sent, the restore.
private struct RuntimeLoop {
    let settings: EtcdExecutorSettings
    let parts: Parts
    let logger: Logger
    var machine: ExecutorStateMachine
    var client: ExecutorClient?
    /// The uuid of the last update sent, whose acknowledgement the exit waits for.
    var lastUpdate: Data?
    /// Stops the restore under way.
    var restoreStop: AsyncStream<Void>.Continuation?

    typealias Parts = EtcdExecutorRuntime.Parts
    typealias Event = ExecutorStateMachine.Event

    init(settings: EtcdExecutorSettings, parts: Parts, logger: Logger) {
        self.settings = settings
        self.parts = parts
        self.logger = logger
        machine = ExecutorStateMachine(configuration: .init(settings: settings))
    }

    /// Handles one input; returns the exit code once the executor should exit.
    mutating func handle(_ input: RuntimeInput, jobs: inout DiscardingTaskGroup) async -> Int32? {
        guard let first = event(for: input) else { return nil }
        var pending = [first]
        while !pending.isEmpty {
            let event = pending.removeFirst()
            for action in machine.handle(event, at: .now) {
                switch await perform(action, jobs: &jobs) {
                case .next: break
                case .feed(let result): pending.append(result)
                case .exit(let code): return code
                }
            }
        }
        return nil
    }

    private mutating func event(for input: RuntimeInput) -> Event? {
        switch input {
        case .connected(let connected):
            client = connected
            let mesos = settings.mesos
            logger.info(
                "subscribed to the Mesos agent",
                metadata: [
                    "agent": "\(mesos.agentEndpoint)", "executor": "\(mesos.executorID)",
                    "checkpoint": "\(mesos.checkpoint)",
                ])
            return .subscribed
        case .event(let event):
            return agentEvent(event)
        case .subscriptionEnded(let reason):
            let why = reason ?? "the subscription was closed"
            logger.error("lost the Mesos agent", metadata: ["reason": "\(why)"])
            return .agentLost
        case .terminationRequested:
            return .terminationRequested
        case .restoreEnded(let result):
            restoreStop?.finish()
            restoreStop = nil
            return .restoreEnded(result)
        case .etcd(let event):
            return .etcd(event)
        case .reseedRequested(let id):
            return .reseedRequested(id: id)
        }
    }

    private func agentEvent(_ event: ExecutorEvent) -> Event? {
        switch event {
        case .launch(let launch):
            let empty = MemberRestore.isNeeded(dataDirectory: settings.dataDirectory)
            return .launch(launch.task, dataDirectoryIsEmpty: empty)
        case .launchGroup(let launch):
            return .launchGroup(launch.taskGroup.tasks.map(\.taskID))
        case .kill(let kill):
            return .kill(kill.taskID, gracePeriod: kill.killPolicy?.gracePeriod?.duration)
        case .shutdown:
            return .shutdown
        case .subscribed:
            logger.info("re-subscribed to the Mesos agent")
        case .error(let error):
            logger.error("the agent sent ERROR", metadata: ["message": "\(error.message)"])
        case .message(let message):
            logger.info(
                "message from the scheduler ignored", metadata: ["bytes": "\(message.data.count)"])
        case .acknowledged, .heartbeat, .unrecognized:
            break
        }
        return nil
    }

    /// What carrying out an action leads to.
    private enum Step {
        case next
        /// The action's result, to handle next.
        case feed(Event)
        case exit(Int32)
    }

    private mutating func perform(
        _ action: ExecutorStateMachine.Action, jobs: inout DiscardingTaskGroup
    ) async -> Step {
        switch action {
        case .report(let report):
            lastUpdate = await send(report)
        case .log(let level, let message):
            logger.log(level: level, "\(message)")
        case .startRestore(let data, let source):
            startRestore(data, from: source, jobs: &jobs)
        case .stopRestore:
            restoreStop?.yield()
        case .startReseedListener(let host, let port, let access):
            do throws(ReseedListenerError) {
                try await parts.listener.listen(host: host, port: port, access: access)
                return .feed(.reseedListenerStarted)
            } catch {
                return .feed(.reseedListenerFailed(error.description))
            }
        case .etcd(let command):
            parts.supervisor.perform(command)
        case .answerReseed(let id, let outcome):
            logger.info("reseed answered", metadata: ["outcome": "\(outcome)"])
            parts.reseeds.answer(id, with: outcome)
        case .exit(let code, let awaitAcknowledgement):
            if awaitAcknowledgement, let client, let lastUpdate {
                let timeout = settings.finalAcknowledgementTimeout
                if !(await client.waitUntilAcknowledged(lastUpdate, timeout: timeout)) {
                    logger.warning(
                        "the agent did not acknowledge the final update in time; exiting anyway")
                }
            }
            return .exit(code)
        }
        return .next
    }

    /// Restores the data dir as a child task; `.restoreEnded` follows.
    private mutating func startRestore(
        _ data: EtcdTaskData, from source: EtcdTaskData.RestoreSource,
        jobs: inout DiscardingTaskGroup
    ) {
        let restore = MemberRestore(
            source: source,
            member: .init(
                name: data.member.name, initialCluster: data.initialClusterFlag,
                clusterToken: data.clusterToken, peerURL: data.member.peerURL),
            etcdBinary: settings.etcdBinary, sandbox: settings.mesos.sandbox,
            dataDirectory: settings.dataDirectory, fetchTimeout: settings.restoreFetchTimeout,
            toolTimeout: settings.restoreToolTimeout, secret: data.reseedSecret, logger: logger)
        let (stops, stop) = AsyncStream.makeStream(of: Void.self)
        restoreStop = stop
        let mailbox = parts.mailbox
        jobs.addTask {
            mailbox.send(.restoreEnded(await restore.run(until: stops)))
        }
    }

    /// Sends a status update; returns its uuid, or nil if it could not be sent.
    private func send(_ report: ExecutorStateMachine.StatusReport) async -> Data? {
        var message = report.message
        if report.attachesEtcdLog {
            message = EtcdLogTail.appended(to: message ?? "", from: settings.etcdLogPath)
        }
        logger.info(
            "task update",
            metadata: [
                "task": "\(report.taskID)", "state": "\(report.state)",
                "message": "\(report.message ?? "")",
            ])
        guard let client else { return nil }
        do {
            let status = TaskStatus(taskID: report.taskID, state: report.state, message: message)
            return try await client.update(status)
        } catch {
            logger.error(
                "the agent refused a status update",
                metadata: ["state": "\(report.state)", "error": "\(error)"])
            return nil
        }
    }
}

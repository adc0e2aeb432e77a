import Foundation
import HTTPServing
import Logging
import MesosAPI
import ProcessControl
import Support

/// An in-process Mesos agent: serves the v1 executor API on its own loopback address, launches custom
/// executors (and command tasks under a built-in command executor) as child processes in sandboxes, and
/// reports their status updates to its `LocalMaster`.
///
/// Fault injection (local only): `kill()` SIGKILLs every executor's process group and removes the agent as a
/// real master removes one that failed its health checks; `restart()` drops and re-opens its connections.
public actor LocalAgent: AgentLink {
    public let configuration: AgentConfiguration
    let master: LocalMaster
    let logger: Logger
    /// Set once registered with the master.
    public private(set) var agentID: AgentID?
    /// What the agent registered with (its resources parsed from `--resources`).
    private(set) var registeredInfo: AgentInfo?
    var executors: [ExecutorKey: ExecutorRun] = [:]
    /// Owns the agent's side work (its HTTP server, fetches, executor waits, timers); run by `run()`.
    nonisolated let tasks = TaskOwner()
    private var server: (stop: AsyncStream<Void>.Continuation, stopped: AsyncStream<Void>)?

    /// True while the agent serves (false after `kill()` or `stop()`, until `start()`).
    public var isServing: Bool { server != nil }

    public init(configuration: AgentConfiguration, master: LocalMaster, logger: Logger) {
        self.configuration = configuration
        self.master = master
        self.logger = logger
    }

    /// Runs the agent's side work until `stop()`; whoever starts the agent runs this beside it.
    public nonisolated func run() async {
        await tasks.run()
    }

    /// Starts the HTTP server and registers with the master (`run()` must be running).
    public func start() async throws {
        let info = try configuration.agentInfo()
        registeredInfo = info
        try await startServer()
        agentID = await master.addAgent(info, link: self)
    }

    /// Stops every executor (SIGTERM, then SIGKILL after its grace period) and the HTTP server.
    public func stop() async {
        let runs = Array(executors.values)
        executors = [:]
        for run in runs { run.stream?.continuation.yield(.shutdown) }
        await withTaskGroup(of: Void.self) { group in
            for run in runs {
                if let process = run.process {
                    group.addTask {
                        let below = ProcessTree.descendants(of: process.pid)
                        await process.terminate(gracePeriod: min(run.gracePeriod, .seconds(5)))
                        for pid in below { _ = Glibc.kill(pid, SIGKILL) }
                    }
                }
            }
        }
        for run in runs { run.stream?.continuation.finish() }
        await stopServer()
        tasks.finish()
    }

    /// Fault injection: the agent dies. Every executor's process group gets SIGKILL, the HTTP server stops,
    /// and the master removes the agent at once (tasks TASK_LOST / TASK_UNREACHABLE with
    /// REASON_AGENT_REMOVED, RESCIND, FAILURE) unless `waitForTimeout`, in which case it only sees the
    /// connection break and removes the agent after its re-registration timeout.
    public func kill(waitForTimeout: Bool = false) async {
        // Forget the executors first: a dead agent reports nothing about their exits.
        let runs = Array(executors.values)
        executors = [:]
        for run in runs {
            if let process = run.process { ProcessTree.killAll(under: process.pid) }
            run.stream?.continuation.finish()
        }
        for run in runs { _ = await run.process?.waitForExit() }
        await stopServer()
        guard let agentID else { return }
        if waitForTimeout {
            await master.agentDisconnected(agentID)
        } else {
            await master.removeAgent(agentID)
        }
    }

    /// Fault injection: the agent process restarts. Executor connections break (checkpointing executors
    /// re-subscribe; others shut themselves down), the master sees the agent disconnect and come back.
    public func restart() async throws {
        // Executors of frameworks that do not checkpoint do not survive an agent restart.
        for (key, run) in executors where run.frameworkInfo.checkpoint != true {
            executors[key] = nil
            if let process = run.process { ProcessTree.killAll(under: process.pid) }
        }
        for run in executors.values { run.stream?.continuation.finish() }
        await stopServer()
        guard let agentID else { return }
        await master.agentDisconnected(agentID)
        try await startServer()
        await master.agentReconnected(agentID, link: self)
    }

    /// Fault injection: stop (or resume) offering this agent's resources.
    public func setOfferingPaused(_ paused: Bool) async {
        guard let agentID else { return }
        await master.setOfferingPaused(agentID, paused)
    }

    /// The executors running here, for tests and `/state`.
    public var runningExecutors: [(framework: FrameworkID, executor: ExecutorID, pid: Int32?)] {
        executors.values.map { ($0.key.framework, $0.key.executor, $0.process?.pid) }
    }

    // MARK: - Commands from the master

    public func deliver(_ command: AgentCommand) async {
        switch command {
        case .launch(let launch):
            await launchTask(launch)
        case .kill(let task, let framework, let policy):
            await killTask(task, framework: framework, killPolicy: policy)
        case .shutdownExecutor(let executor, let framework):
            shutdownExecutor(ExecutorKey(framework: framework, executor: executor))
        case .shutdownFramework(let framework):
            for key in executors.keys where key.framework == framework { shutdownExecutor(key) }
        case .message(let data, let executor, let framework):
            executors[ExecutorKey(framework: framework, executor: executor)]?.stream?.continuation
                .yield(
                    .message(.init(data: data)))
        case .acknowledged:
            // Updates are acknowledged to executors on receipt; the master tracks scheduler acknowledgements.
            break
        }
    }

    // MARK: - Server

    private func startServer() async throws {
        let server = HTTPServer(
            name: "agent", responder: AgentHTTPResponder(agent: self), host: configuration.hostname,
            port: configuration.port,
            limits: .longLivedStreams, channelHandlers: { [CloseOnInputClosedHandler()] },
            logger: logger)
        let (ready, readyInput) = AsyncStream.makeStream(of: (any Error)?.self)
        let (stop, stopInput) = AsyncStream.makeStream(of: Void.self)
        let (stopped, stoppedInput) = AsyncStream.makeStream(of: Void.self)
        let started = tasks.start {
            defer { stoppedInput.finish() }
            do {
                try await server.withRunning { _ in
                    readyInput.yield(nil)
                    for await _ in stop {}
                }
            } catch {
                readyInput.yield(error)
            }
            readyInput.finish()
        }
        var iterator = ready.makeAsyncIterator()
        guard started, case .some(nil) = await iterator.next() else {
            throw HTTPServerError.stoppedBeforeListening(
                server: "\(server)", reason: "the agent is stopped")
        }
        self.server = (stopInput, stopped)
    }

    private func stopServer() async {
        guard let server else { return }
        self.server = nil
        server.stop.finish()
        for await _ in server.stopped {}
    }
}

import Foundation
import MesosAPI
import ProcessControl

extension LocalAgent {
    /// LAUNCH from the master: starts the task's custom executor if it is not running yet (fetching its URIs
    /// first) and hands it the task once it subscribes; a command task runs under the built-in command
    /// executor.
    func launchTask(_ launch: TaskLaunch) async {
        guard let agentID else { return }
        let task = launch.task
        if let executor = task.executor {
            let key = ExecutorKey(framework: launch.frameworkID, executor: executor.executorID)
            if var run = executors[key] {
                run.tasks[task.taskID] = .staging
                if let stream = run.stream {
                    stream.continuation.yield(.launch(.init(task: task)))
                } else {
                    run.queuedTasks.append(task)
                }
                executors[key] = run
                return
            }
            await startExecutor(
                key: key, info: executor, kind: .custom, launch: launch, agentID: agentID,
                command: executor.command)
        } else if let command = task.command {
            var info = ExecutorInfo(
                executorID: ExecutorID(task.taskID.value), frameworkID: launch.frameworkID)
            info.name =
                "Command Executor (Task: \(task.taskID)) (Command: sh -c '\(command.value ?? "")')"
            info.command = command
            let key = ExecutorKey(framework: launch.frameworkID, executor: info.executorID)
            await startExecutor(
                key: key, info: info, kind: .command, launch: launch, agentID: agentID,
                command: command)
        }
    }

    /// Registers the executor at once (so that later commands find it), then fetches and starts it in the
    /// background, so that a slow fetch never holds up the agent's other commands.
    private func startExecutor(
        key: ExecutorKey, info: ExecutorInfo, kind: ExecutorRun.Kind, launch: TaskLaunch,
        agentID: AgentID,
        command: CommandInfo?
    ) async {
        let containerID = ContainerID(UUID().uuidString.lowercased())
        let sandbox = [
            configuration.workDirectory, "slaves", agentID.value, "frameworks", key.framework.value,
            "executors",
            key.executor.value, "runs", containerID.value,
        ].joined(separator: "/")
        var run = ExecutorRun(
            key: key, frameworkInfo: launch.frameworkInfo, info: info, kind: kind,
            containerID: containerID,
            sandbox: sandbox)
        run.tasks[launch.task.taskID] = .staging
        if kind == .custom { run.queuedTasks = [launch.task] }
        executors[key] = run
        if configuration.switchUser {
            let name = command?.user ?? launch.frameworkInfo.user
            let resolved = TaskUser.resolve(name).flatMap { user in
                makeSandbox(sandbox, for: user).map { .failure($0) } ?? .success(user)
            }
            switch resolved {
            case .success(let user):
                executors[key]?.user = user
            case .failure(let error):
                await dropExecutor(
                    key, launch: launch, agentID: agentID, message: error.description)
                return
            }
        }
        // The registration timeout runs from the launch, fetch included, as a real agent's does (the
        // containerizer's launch, fetching first, is what the executor has that long for).
        if kind == .custom { armRegistrationTimeout(key, containerID: containerID) }
        tasks.start { [weak self] in
            await self?.fetchAndStart(
                key: key, containerID: containerID, launch: launch, agentID: agentID,
                command: command)
        }
    }

    /// `createExecutorDirectory`: the sandbox, owned by the task's user.
    private func makeSandbox(_ sandbox: String, for user: TaskUser) -> TaskUserError? {
        do {
            try FileManager.default.createDirectory(
                atPath: sandbox, withIntermediateDirectories: true)
        } catch {
            return TaskUserError(
                description: "Failed to create executor directory '\(sandbox)': \(error)")
        }
        if let error = user.own(sandbox) {
            try? FileManager.default.removeItem(atPath: sandbox)
            return error
        }
        return nil
    }

    /// `sendTaskDroppedUpdate`: an executor the agent cannot add drops its task (TASK_DROPPED for a
    /// partition-aware framework, else TASK_LOST) with REASON_EXECUTOR_TERMINATED, and the master hears that
    /// the executor exited.
    private func dropExecutor(
        _ key: ExecutorKey, launch: TaskLaunch, agentID: AgentID, message: String
    ) async {
        logger.warning("cannot launch executor \(key.executor): \(message)")
        let state: TaskState =
            launch.frameworkInfo.hasCapability(.partitionAware) ? .dropped : .lost
        await sendUpdate(
            launch.task.taskID, state, of: key, source: .agent, message: message,
            reason: .executorTerminated)
        executors[key] = nil
        await master.executorExited(
            key.executor, framework: key.framework, agent: agentID, status: -1)
    }

    private func fetchAndStart(
        key: ExecutorKey, containerID: ContainerID, launch: TaskLaunch, agentID: AgentID,
        command: CommandInfo?
    ) async {
        guard let run = executors[key], run.containerID == containerID else { return }
        let sandbox = run.sandbox
        do {
            try FileManager.default.createDirectory(
                atPath: sandbox, withIntermediateDirectories: true)
            try await Fetcher.fetch(command?.uris ?? [], into: sandbox)
            guard let command,
                let (executable, arguments) = ExecutorEnvironment.launchArguments(for: command)
            else {
                throw LaunchFailure("the executor has no command to run")
            }
            guard let current = executors[key], current.containerID == containerID,
                !current.tasks.isEmpty
            else {
                // Killed or shut down while fetching: nothing left to run.
                executors[key] = nil
                return
            }
            let environment = ExecutorEnvironment.make(
                configuration: configuration, agentID: agentID, frameworkID: key.framework,
                checkpoint: launch.frameworkInfo.checkpoint ?? false, executor: run.info,
                sandbox: sandbox)
            var launched = (executable, arguments)
            if let user = current.user {
                // The fetcher's files go to the task's user too, as the Mesos fetcher chowns them.
                if let error = user.own(sandbox) { throw LaunchFailure(error.description) }
                launched = try user.command(executable, arguments).get()
            }
            launched = try HiddenPaths.wrap(configuration.hiddenPaths, launched.0, launched.1)
                .mapError { LaunchFailure($0.description) }.get()
            let process = try ChildProcess.launch(
                executable: launched.0, arguments: launched.1, environment: environment,
                workingDirectory: sandbox,
                outputPath: sandbox + "/stdout")
            executors[key]?.process = process
            tasks.start { [weak self] in
                let status = await process.waitForExit()
                await self?.executorProcessExited(key, containerID: containerID, status: status)
            }
            if run.kind == .command {
                if executors[key]?.killRequested == true {
                    await killCommand(key, gracePeriod: .zero)
                }
                await sendUpdate(
                    launch.task.taskID, .running, of: key, source: .executor, message: nil,
                    reason: nil)
            }
        } catch {
            guard executors[key]?.containerID == containerID else { return }
            let message = "Failed to launch container: \(error)"
            logger.warning("\(message)")
            for taskID in executors[key]?.tasks.keys.sorted() ?? [] {
                await sendUpdate(
                    taskID, .failed, of: key, source: .agent, message: message,
                    reason: .containerLaunchFailed)
            }
            executors[key] = nil
            await master.executorExited(
                key.executor, framework: key.framework, agent: agentID, status: -1)
        }
    }

    private func armRegistrationTimeout(_ key: ExecutorKey, containerID: ContainerID) {
        let timeout = configuration.executorRegistrationTimeout
        tasks.start { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.registrationTimedOut(key, containerID: containerID)
        }
    }

    private func registrationTimedOut(_ key: ExecutorKey, containerID: ContainerID) async {
        guard let run = executors[key], run.containerID == containerID, !run.subscribedOnce else {
            return
        }
        logger.warning(
            "executor \(key.executor) did not subscribe within the registration timeout; destroying it"
        )
        for taskID in run.tasks.keys.sorted() {
            await sendUpdate(
                taskID, .failed, of: key, source: .agent,
                message: "Executor did not register in time",
                reason: .executorRegistrationTimeout)
        }
        if let process = run.process {
            ProcessTree.killAll(under: process.pid)
        } else if let agentID {
            // Still fetching: the container is destroyed before its executor starts.
            executors[key] = nil
            await master.executorExited(
                key.executor, framework: key.framework, agent: agentID, status: -1)
        }
    }

    /// The executor's process ended: its tasks that are not terminal yet get a terminal update from the agent
    /// (REASON_EXECUTOR_TERMINATED), and the master hears of the exit (FAILURE to the scheduler).
    func executorProcessExited(
        _ key: ExecutorKey, containerID: ContainerID, status: ChildProcess.ExitStatus
    ) async {
        guard let run = executors[key], run.containerID == containerID, let agentID else { return }
        if let process = run.process { ProcessTree.killAll(under: process.pid) }
        run.stream?.continuation.finish()
        if run.kind == .command, let taskID = run.tasks.keys.first {
            let (state, message): (TaskState, String) =
                switch status {
                case .exited(0): (.finished, "Command exited with status 0")
                case .exited(let code): (.failed, "Command exited with status \(code)")
                case .signalled(let signal):
                    (
                        run.killRequested ? .killed : .failed,
                        "Command terminated with signal \(Self.signalName(signal))"
                    )
                }
            await sendUpdate(
                taskID, state, of: key, source: .executor, message: message, reason: nil)
        } else {
            let state: TaskState = run.shuttingDown ? .killed : .failed
            for taskID in run.tasks.keys.sorted() {
                await sendUpdate(
                    taskID, state, of: key, source: .agent, message: "Executor terminated",
                    reason: .executorTerminated)
            }
        }
        executors[key] = nil
        await master.executorExited(
            key.executor, framework: key.framework, agent: agentID, status: status.waitStatus)
    }

    /// KILL from the master.
    func killTask(_ taskID: TaskID, framework: FrameworkID, killPolicy: KillPolicy?) async {
        guard
            let key = executors.first(where: {
                $0.key.framework == framework && $0.value.tasks[taskID] != nil
            })?.key,
            var run = executors[key]
        else { return }
        if run.kind == .command {
            run.killRequested = true
            executors[key] = run
            let grace = killPolicy?.gracePeriod?.duration ?? .seconds(3)
            await killCommand(key, gracePeriod: grace)
            return
        }
        if let index = run.queuedTasks.firstIndex(where: { $0.taskID == taskID }) {
            run.queuedTasks.remove(at: index)
            executors[key] = run
            await sendUpdate(
                taskID, .killed, of: key, source: .agent,
                message: "Killed before delivery to the executor",
                reason: .taskKilledDuringLaunch)
            return
        }
        if let stream = run.stream {
            stream.continuation.yield(.kill(.init(taskID: taskID, killPolicy: killPolicy)))
        } else {
            run.pendingKills[taskID] = killPolicy
            executors[key] = run
        }
    }

    private func killCommand(_ key: ExecutorKey, gracePeriod: Duration) async {
        guard let process = executors[key]?.process else { return }
        let below = ProcessTree.descendants(of: process.pid)
        tasks.start {
            await process.terminate(gracePeriod: gracePeriod)
            for pid in below { _ = Glibc.kill(pid, SIGKILL) }
        }
    }

    /// SHUTDOWN of one executor: the executor gets SHUTDOWN, and is destroyed after its grace period.
    func shutdownExecutor(_ key: ExecutorKey) {
        guard var run = executors[key] else { return }
        run.shuttingDown = true
        executors[key] = run
        if run.kind == .command {
            run.process?.signal(SIGTERM)
        } else {
            run.stream?.continuation.yield(.shutdown)
        }
        guard let process = run.process else { return }
        let grace = run.gracePeriod
        tasks.start {
            let below = ProcessTree.descendants(of: process.pid)
            if await process.waitForExit(timeout: grace) == nil {
                ProcessTree.killAll(under: process.pid)
            }
            for pid in below { _ = Glibc.kill(pid, SIGKILL) }
        }
    }

    /// Sends an update about a task of executor `key` to the master, with a fresh uuid (so it is delivered
    /// reliably), and tracks the task's state.
    func sendUpdate(
        _ taskID: TaskID, _ state: TaskState, of key: ExecutorKey, source: TaskStatus.Source,
        message: String?,
        reason: TaskStatus.Reason?
    ) async {
        guard let agentID else { return }
        let status = TaskStatus(
            taskID: taskID, state: state, message: message, agentID: agentID,
            timestamp: Date().timeIntervalSince1970, executorID: key.executor, source: source,
            reason: reason,
            uuid: TaskStatus.uuidBytes())
        if state.isTerminal {
            executors[key]?.tasks[taskID] = nil
        } else {
            executors[key]?.tasks[taskID] = state
        }
        await master.statusUpdate(status, framework: key.framework, agent: agentID)
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "Terminated"
        case SIGKILL: "Killed"
        case SIGINT: "Interrupt"
        default: "\(signal)"
        }
    }
}

/// Why an executor could not be started.
struct LaunchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ChildProcess.ExitStatus {
    /// The raw wait status, as FAILURE events carry it.
    var waitStatus: Int32 {
        switch self {
        case .exited(let code): code << 8
        case .signalled(let signal): signal
        }
    }
}

import Foundation
import MesosAPI

extension LocalAgent {
    /// Executor SUBSCRIBE: replaces any previous connection of the executor, takes in the updates it could not
    /// get acknowledged, then streams SUBSCRIBED and a LAUNCH per queued task (SHUTDOWN if it is being shut
    /// down).
    func executorSubscribe(
        _ key: ExecutorKey, _ subscribe: ExecutorCall.Subscribe
    ) async throws(ExecutorCallRejection) -> (streamID: String, events: AsyncStream<ExecutorEvent>)
    {
        guard var run = try lookUp(key), let agentID else {
            throw ExecutorCallRejection(statusCode: 400, message: "Executor cannot be found")
        }
        run.stream?.continuation.finish()
        let (events, continuation) = AsyncStream.makeStream(of: ExecutorEvent.self)
        let streamID = UUID().uuidString
        run.stream = (streamID, continuation)
        run.subscribedOnce = true
        var frameworkInfo = run.frameworkInfo
        frameworkInfo.id = key.framework
        var agentInfo = registeredInfo ?? AgentInfo(hostname: configuration.hostname)
        agentInfo.id = agentID
        continuation.yield(
            .subscribed(
                .init(
                    executorInfo: run.info, frameworkInfo: frameworkInfo, agentInfo: agentInfo,
                    containerID: run.containerID)))
        if run.shuttingDown {
            continuation.yield(.shutdown)
        } else {
            for task in run.queuedTasks { continuation.yield(.launch(.init(task: task))) }
            run.queuedTasks = []
            for (taskID, policy) in run.pendingKills.sorted(by: { $0.key < $1.key }) {
                continuation.yield(.kill(.init(taskID: taskID, killPolicy: policy)))
            }
            run.pendingKills = [:]
        }
        executors[key] = run
        startHeartbeats(key, streamID: streamID)
        for update in subscribe.unacknowledgedUpdates {
            await acceptUpdate(update.status, from: key, acknowledge: false)
        }
        return (streamID, events)
    }

    /// The connection of an executor's subscription closed.
    func executorStreamClosed(_ key: ExecutorKey, streamID: String) {
        guard let stream = executors[key]?.stream, stream.id == streamID else { return }
        stream.continuation.finish()
        executors[key]?.stream = nil
    }

    /// Executor UPDATE: acknowledged to the executor at once (the agent's receipt) and forwarded to the master,
    /// which delivers it to the scheduler until acknowledged.
    func executorUpdate(_ key: ExecutorKey, _ status: TaskStatus)
        async throws(ExecutorCallRejection)
    {
        guard let run = try lookUp(key) else {
            throw ExecutorCallRejection(statusCode: 400, message: "Executor cannot be found")
        }
        guard run.stream != nil else {
            throw ExecutorCallRejection(statusCode: 403, message: "Executor is not subscribed")
        }
        await acceptUpdate(status, from: key, acknowledge: true)
    }

    /// Executor MESSAGE: forwarded to the scheduler (best effort).
    func executorMessage(_ key: ExecutorKey, _ data: Data) async throws(ExecutorCallRejection) {
        guard let run = try lookUp(key), let agentID else {
            throw ExecutorCallRejection(statusCode: 400, message: "Executor cannot be found")
        }
        guard run.stream != nil else {
            throw ExecutorCallRejection(statusCode: 403, message: "Executor is not subscribed")
        }
        await master.executorMessage(
            data, executor: key.executor, framework: key.framework, agent: agentID)
    }

    /// The run of `key`; throws "Framework cannot be found" when the agent runs nothing of that framework.
    private func lookUp(_ key: ExecutorKey) throws(ExecutorCallRejection) -> ExecutorRun? {
        if let run = executors[key] { return run }
        if !executors.keys.contains(where: { $0.framework == key.framework }) {
            throw ExecutorCallRejection(statusCode: 400, message: "Framework cannot be found")
        }
        return nil
    }

    private func acceptUpdate(_ status: TaskStatus, from key: ExecutorKey, acknowledge: Bool) async
    {
        guard let agentID, let uuid = status.uuid else { return }
        if acknowledge {
            executors[key]?.stream?.continuation.yield(
                .acknowledged(.init(taskID: status.taskID, uuid: uuid)))
        }
        guard executors[key]?.forwardedUpdates.insert(uuid).inserted == true else { return }
        var status = status
        status.agentID = agentID
        status.executorID = key.executor
        if status.timestamp == nil { status.timestamp = Date().timeIntervalSince1970 }
        if status.state.isTerminal {
            executors[key]?.tasks[status.taskID] = nil
        } else if executors[key]?.tasks[status.taskID] != nil {
            executors[key]?.tasks[status.taskID] = status.state
        }
        await master.statusUpdate(status, framework: key.framework, agent: agentID)
    }

    /// HEARTBEAT on the executor's stream every `executorHeartbeatInterval`, while that stream is current
    /// (slave.cpp: the agent's heartbeater per subscribed HTTP executor).
    private func startHeartbeats(_ key: ExecutorKey, streamID: String) {
        let interval = configuration.executorHeartbeatInterval
        tasks.start { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self, await self.heartbeat(key, streamID: streamID)
                else {
                    return
                }
            }
        }
    }

    /// Sends a HEARTBEAT on stream `streamID` of executor `key`; false once that stream is gone.
    private func heartbeat(_ key: ExecutorKey, streamID: String) -> Bool {
        guard let stream = executors[key]?.stream, stream.id == streamID else { return false }
        stream.continuation.yield(.heartbeat)
        return true
    }
}

import EtcdMesosTesting
import Foundation
import MesosAPI
import Testing

/// `ExecutorClient` against a local agent, in place of an executor process that only sleeps.
@Suite struct ExecutorClientTests {
    /// A task whose executor process only sleeps, so the test can speak the executor API in its place.
    private func sleepingExecutorTask(_ id: String, on offer: Offer) -> TaskInfo {
        TaskInfo(
            name: id, taskID: TaskID(id), agentID: offer.agentID,
            resources: [.scalar("cpus", 0.2), .scalar("mem", 32)],
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID(id),
                command: CommandInfo(value: "exec sleep 300"),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)]))
    }

    /// Subscribes in the executor's place once the agent knows the executor (retrying SUBSCRIBE until
    /// the agent accepts it) and runs `body` with the client; the subscription ends with `body`.
    private func withSubscription(
        _ cluster: ExecutorTestCluster, framework: FrameworkID, executor: String, checkpoint: Bool,
        _ body: (ExecutorClient) async throws -> Void
    ) async throws {
        let endpoint = try MesosEndpoint(
            parsing: await cluster.cluster.agents[0].configuration.endpoint, defaultPort: 5051)
        let environment = MesosExecutorEnvironment(
            agentEndpoint: endpoint, frameworkID: framework, executorID: ExecutorID(executor),
            sandbox: "/tmp", checkpoint: checkpoint, recoveryTimeout: .seconds(20),
            subscriptionBackoffMax: .milliseconds(300))
        let deadline = ContinuousClock.now + .seconds(30)
        var subscribed = false
        while true {
            do {
                try await ExecutorClient.withSubscription(
                    environment: environment, logger: .init(label: "test-executor")
                ) { client in
                    subscribed = true
                    try await body(client)
                }
                return
            } catch  where !subscribed && ContinuousClock.now < deadline {
                // The agent does not know the executor yet.
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test func updatesAreDeliveredAcrossAnAgentRestart() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL, checkpoint: true) {
                framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let id = memberName("client")
                try await framework.launch([sleepingExecutorTask(id, on: offer)], on: offer)
                try await withSubscription(
                    cluster, framework: framework.frameworkID, executor: id, checkpoint: true
                ) { client in
                    try await deliverAcrossAnAgentRestart(client, id: id, cluster, framework)
                }
            }
        }
    }

    private func deliverAcrossAnAgentRestart(
        _ client: ExecutorClient, id: String, _ cluster: ExecutorTestCluster,
        _ framework: TestFramework
    ) async throws {
        var events = client.events.makeAsyncIterator()
        guard case .launch(let launch) = try await events.next() else {
            Issue.record("no LAUNCH after SUBSCRIBED")
            return
        }
        #expect(launch.task.taskID == TaskID(id))
        #expect(client.ledger.unacknowledgedTasks.map(\.taskID) == [TaskID(id)])

        let starting = try await client.update(TaskStatus(taskID: TaskID(id), state: .starting))
        #expect(await client.waitUntilAcknowledged(starting, timeout: .seconds(10)))
        #expect(client.ledger.unacknowledgedTasks.isEmpty)
        try await client.message(Data("hello".utf8))

        try await cluster.cluster.agents[0].restart()
        try await eventually(timeout: .seconds(30), "the client to notice the lost subscription") {
            !client.isSubscribed
        }
        // Sent while disconnected: it waits in the ledger and goes with the next SUBSCRIBE.
        let running = try await client.update(
            TaskStatus(taskID: TaskID(id), state: .running, message: "late"))
        #expect(client.ledger.unacknowledgedUpdates.compactMap(\.status.uuid) == [running])
        var resubscribed = false
        while !resubscribed, let event = try await events.next() {
            switch event {
            case .subscribed: resubscribed = true
            case .acknowledged, .heartbeat: continue
            default: Issue.record("unexpected \(event) before the re-subscription")
            }
        }
        #expect(resubscribed)
        let delivered = try await framework.update(of: TaskID(id), .running, timeout: .seconds(15))
        #expect(delivered.uuid == running && delivered.message == "late")
        #expect(await framework.messages() == [Data("hello".utf8)])
    }

    /// A real agent sends an executor HEARTBEAT every 30 minutes (and the local agent as it does): a
    /// subscription silent for 95 s must stay up, where an HTTP client read timeout (90 s in
    /// `HTTPClient.shared`) would cut it and force a re-subscription.
    @Test(.timeLimit(.minutes(3)))
    func aSubscriptionIdleFor95SecondsIsNotDropped() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL, checkpoint: true) {
                framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let id = memberName("idle")
                try await framework.launch([sleepingExecutorTask(id, on: offer)], on: offer)
                try await withSubscription(
                    cluster, framework: framework.frameworkID, executor: id, checkpoint: true
                ) { client in
                    var events = client.events.makeAsyncIterator()
                    guard case .launch = try await events.next() else {
                        Issue.record("no LAUNCH after SUBSCRIBED")
                        return
                    }
                    try await Task.sleep(for: .seconds(95))
                    #expect(client.isSubscribed, "the idle subscription was dropped")
                    let running = try await client.update(
                        TaskStatus(taskID: TaskID(id), state: .running))
                    // The acknowledgement arrives on the same stream: no SUBSCRIBED in between.
                    guard case .acknowledged(let ack) = try await events.next() else {
                        Issue.record("the stream did not carry the acknowledgement next")
                        return
                    }
                    #expect(ack.uuid == running)
                    let delivered = try await framework.update(
                        of: TaskID(id), .running, timeout: .seconds(15))
                    #expect(delivered.uuid == running)
                }
            }
        }
    }

    @Test func withoutCheckpointingALostAgentEndsTheEvents() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let id = memberName("plain")
                try await framework.launch([sleepingExecutorTask(id, on: offer)], on: offer)
                try await withSubscription(
                    cluster, framework: framework.frameworkID, executor: id, checkpoint: false
                ) { client in
                    try await cluster.cluster.agents[0].restart()
                    do {
                        for try await _ in client.events {}
                        Issue.record("the events ended without an error")
                    } catch let error as ExecutorClientError {
                        guard case .disconnected = error else {
                            Issue.record("unexpected error \(error)")
                            return
                        }
                        #expect(error.description.contains("does not checkpoint"))
                    }
                }
            }
        }
    }
}

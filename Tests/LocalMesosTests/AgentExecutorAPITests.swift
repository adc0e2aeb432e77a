import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import NIOCore
import Testing

@Suite struct AgentExecutorAPITests {
    /// A task whose executor process only sleeps, so the test can speak the executor API in its place.
    private func silentExecutorTask(_ id: String, on offer: Offer) -> TaskInfo {
        TaskInfo(
            name: id, taskID: TaskID(id), agentID: offer.agentID,
            resources: [.scalar("cpus", 0.5), .scalar("mem", 64)],
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID("\(id).exec"),
                command: CommandInfo(value: "exec sleep 300"),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)]))
    }

    private func post(_ url: String, _ call: ExecutorCall) async throws -> HTTPAnswer {
        try await httpRequest(
            url, headers: [("Content-Type", "application/json")], body: try MesosJSON.encode(call))
    }

    @Test func executorCallsGetTheAgentsStatusCodesAndUpdatesAreAcknowledged() async throws {
        try await ClusterHarness.withCluster { harness in
            let agentConfiguration = await harness.cluster.agents[0].configuration
            let url = "http://\(agentConfiguration.endpoint)/api/v1/executor"
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([silentExecutorTask("t1", on: offer)], on: offer)
                let framework = scheduler.frameworkID
                let running = TaskStatus(
                    taskID: "t1", state: .running, source: .executor, uuid: TaskStatus.uuidBytes())

                #expect(try await httpRequest(url, method: .GET).status == 405)
                let stranger = try await post(
                    url,
                    ExecutorCall(
                        frameworkID: "nobody", executorID: "t1.exec",
                        .update(.init(status: running))))
                #expect(stranger.status == 400)
                #expect(stranger.body == "Framework cannot be found")
                let unknown = try await post(
                    url,
                    ExecutorCall(
                        frameworkID: framework, executorID: "other", .update(.init(status: running))
                    ))
                #expect(unknown.body == "Executor cannot be found")
                var notSubscribed = HTTPAnswer(status: 0, headers: [], body: "")
                try await eventually("the agent to know the executor") {
                    notSubscribed = try await post(
                        url,
                        ExecutorCall(
                            frameworkID: framework, executorID: "t1.exec",
                            .update(.init(status: running))))
                    return notSubscribed.status == 403
                }
                #expect(notSubscribed.body == "Executor is not subscribed")

                // Subscribe in the executor's place over real HTTP.
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(
                    ByteBuffer(
                        bytes: try MesosJSON.encode(
                            ExecutorCall(
                                frameworkID: framework, executorID: "t1.exec", .subscribe(.init())))
                    ))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                #expect(response.status.code == 200)
                var events = response.body.mesosRecords(of: ExecutorEvent.self).makeAsyncIterator()
                guard case .subscribed(let subscribed) = try await events.next() else {
                    Issue.record("no SUBSCRIBED first")
                    return
                }
                #expect(subscribed.frameworkInfo.id == framework)
                #expect(subscribed.agentInfo.id == offer.agentID)
                #expect(subscribed.executorInfo.executorID == "t1.exec")
                guard case .launch(let launch) = try await events.next() else {
                    Issue.record("no LAUNCH after SUBSCRIBED")
                    return
                }
                #expect(launch.task.taskID == "t1")

                var staging = running
                staging.state = .staging
                let refused = try await post(
                    url,
                    ExecutorCall(
                        frameworkID: framework, executorID: "t1.exec",
                        .update(.init(status: staging))))
                #expect(refused.status == 400)
                #expect(
                    refused.body
                        == "Failed to validate Executor::Call: Received TASK_STAGING from executor t1.exec of framework \(framework) which is not allowed"
                )
                var noSource = running
                noSource.source = nil
                #expect(
                    try await post(
                        url,
                        ExecutorCall(
                            frameworkID: framework, executorID: "t1.exec",
                            .update(.init(status: noSource)))
                    ).status == 400)
                var badUUID = running
                badUUID.uuid = Data([1, 2])
                let bad = try await post(
                    url,
                    ExecutorCall(
                        frameworkID: framework, executorID: "t1.exec",
                        .update(.init(status: badUUID))))
                #expect(bad.body == "Failed to validate Executor::Call: Not a valid UUID")

                #expect(
                    try await post(
                        url,
                        ExecutorCall(
                            frameworkID: framework, executorID: "t1.exec",
                            .update(.init(status: running)))
                    ).status == 202)
                #expect(
                    try await events.next()
                        == .acknowledged(.init(taskID: "t1", uuid: running.uuid!)))
                let forwarded = try await scheduler.expectUpdate("t1", .running)
                #expect(forwarded.uuid == running.uuid)
                #expect(forwarded.executorID == "t1.exec")
                #expect(
                    try await post(
                        url, ExecutorCall(frameworkID: framework, executorID: "t1.exec", .heartbeat)
                    ).status == 202)

                _ = try await scheduler.call(.kill(.init(taskID: "t1")))
                #expect(try await events.next() == .kill(.init(taskID: "t1")))
            }
        }
    }

    /// The registration timeout runs from the launch, fetch included (a real agent's containerizer fetches
    /// inside the launch the executor has that long for): a fetch that hangs ends in
    /// REASON_EXECUTOR_REGISTRATION_TIMEOUT after the timeout, not in a fetch failure whenever it gives up.
    @Test func aHangingFetchCountsAgainstTheRegistrationTimeout() async throws {
        try await withSilentListener { port in
            try await ClusterHarness.withCluster(customizeAgent: {
                $0.executorRegistrationTimeout = .seconds(1)
            }) { harness in
                try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                    let offer = try #require(try await scheduler.nextOffers().first)
                    var task = silentExecutorTask("t1", on: offer)
                    task.executor?.command?.uris = [
                        CommandInfo.URI(
                            value: "http://127.0.0.1:\(port)/executor", executable: true)
                    ]
                    let launched = ContinuousClock.now
                    try await scheduler.launch([task], on: offer)
                    let failed = try await scheduler.expectUpdate("t1", .failed)
                    #expect(failed.reason == .executorRegistrationTimeout, "\(failed)")
                    #expect(
                        ContinuousClock.now - launched < .seconds(25),
                        "the fetch's own 30 s deadline ran out")
                    try await eventually("the executor to be gone") {
                        await harness.cluster.agents[0].runningExecutors.isEmpty
                    }
                }
            }
        }
    }

    @Test func executorThatNeverSubscribesIsDestroyed() async throws {
        try await ClusterHarness.withCluster(customizeAgent: {
            $0.executorRegistrationTimeout = .milliseconds(500)
        }) { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([silentExecutorTask("t1", on: offer)], on: offer)
                let failed = try await scheduler.expectUpdate("t1", .failed)
                #expect(failed.reason == .executorRegistrationTimeout)
                try await eventually("the executor to be gone") {
                    await harness.cluster.agents[0].runningExecutors.isEmpty
                }
            }
        }
    }
}

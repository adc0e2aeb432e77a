import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct LocalClusterTests {
    @Test func customExecutorRunsWithTheRealEnvironmentAndIsKilled() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                let running = try await scheduler.expectUpdate("t1", .running)
                #expect(running.source == .executor)
                #expect(running.agentID == offer.agentID)
                #expect(running.executorID == "t1.exec")
                #expect(running.uuid?.count == 16)

                let recorded = try await harness.executorEnvironment(
                    sandboxUnder: offer.agentID, framework: scheduler.frameworkID,
                    executor: "t1.exec")
                let env = try #require(recorded["env"] as? [String: String])
                let agentConfiguration = await harness.cluster.agents[0].configuration
                #expect(env["MESOS_AGENT_ENDPOINT"] == "127.0.0.2:\(agentConfiguration.port)")
                #expect(env["MESOS_SLAVE_PID"] == "slave(1)@127.0.0.2:\(agentConfiguration.port)")
                #expect(env["MESOS_FRAMEWORK_ID"] == scheduler.frameworkID.value)
                #expect(env["MESOS_EXECUTOR_ID"] == "t1.exec")
                #expect(env["MESOS_SLAVE_ID"] == offer.agentID.value)
                #expect(env["MESOS_CHECKPOINT"] == "1")
                #expect(env["MESOS_RECOVERY_TIMEOUT"] == "15mins")
                #expect(env["MESOS_SUBSCRIPTION_BACKOFF_MAX"] == "2secs")
                #expect(env["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] == "5secs")
                #expect(env["MESOS_HTTP_COMMAND_EXECUTOR"] == "0")
                #expect(env["ETCD_CLUSTER"] == "test")
                #expect(
                    env["PATH"] == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                #expect(env["HOME"] == nil)
                let sandbox = try #require(env["MESOS_DIRECTORY"])
                #expect(env["MESOS_SANDBOX"] == sandbox)
                #expect(recorded["cwd"] as? String == sandbox)
                #expect(
                    sandbox.contains(
                        "/slaves/\(offer.agentID)/frameworks/\(scheduler.frameworkID)/executors/t1.exec/runs/"
                    ))
                #expect(FileManager.default.fileExists(atPath: sandbox + "/stdout"))
                #expect(FileManager.default.fileExists(atPath: sandbox + "/stderr"))

                #expect(
                    try await scheduler.call(.kill(.init(taskID: "t1", agentID: offer.agentID)))
                        .status == 202)
                let killed = try await scheduler.expectUpdate("t1", .killed)
                #expect(killed.message == "killed")
            }
        }
    }

    @Test func commandTasksRunUnderTheBuiltInCommandExecutor() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [
                        harness.commandTask("ok", on: offer, "echo hello from the task"),
                        harness.commandTask("bad", on: offer, "echo oops >&2; exit 3"),
                        harness.commandTask("long", on: offer, "sleep 300"),
                    ], on: offer)
                try await scheduler.expectUpdate("ok", .running)
                let finished = try await scheduler.expectUpdate("ok", .finished)
                #expect(finished.message == "Command exited with status 0")
                try await scheduler.expectUpdate("bad", .running)
                let failed = try await scheduler.expectUpdate("bad", .failed)
                #expect(failed.message == "Command exited with status 3")
                try await scheduler.expectUpdate("long", .running)
                _ = try await scheduler.call(.kill(.init(taskID: "long")))
                try await scheduler.expectUpdate("long", .killed)

                let sandboxes =
                    harness.workDirectory
                    + "/work/slaves/\(offer.agentID)/frameworks/\(scheduler.frameworkID)/executors"
                let okRun = try #require(
                    try FileManager.default.contentsOfDirectory(atPath: "\(sandboxes)/ok/runs")
                        .first)
                let stdout = try String(
                    contentsOfFile: "\(sandboxes)/ok/runs/\(okRun)/stdout", encoding: .utf8)
                #expect(stdout.contains("hello from the task"))
                let badRun = try #require(
                    try FileManager.default.contentsOfDirectory(atPath: "\(sandboxes)/bad/runs")
                        .first)
                let stderr = try String(
                    contentsOfFile: "\(sandboxes)/bad/runs/\(badRun)/stderr", encoding: .utf8)
                #expect(stderr.contains("oops"))
            }
        }
    }

    @Test func fetcherBringsURIsIntoTheSandboxAndAFailedFetchFailsTheTask() async throws {
        try await ClusterHarness.withCluster { harness in
            let script = harness.workDirectory + "/hello.sh"
            try "#!/bin/sh\necho fetched-and-run\n".write(
                toFile: script, atomically: true, encoding: .utf8)
            let missing = harness.url + "/missing.tar.gz"
            let served = harness.url + "/version"
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [
                        harness.commandTask(
                            "fetched", on: offer, "./hello.sh",
                            uris: [CommandInfo.URI(value: "file://" + script, executable: true)]),
                        harness.commandTask(
                            "downloaded", on: offer, "grep -q 1.11.0 version.json",
                            uris: [CommandInfo.URI(value: served, outputFile: "version.json")]),
                        harness.commandTask(
                            "unfetchable", on: offer, "true",
                            uris: [CommandInfo.URI(value: missing)]),
                    ], on: offer)
                try await scheduler.expectUpdate("fetched", .running)
                try await scheduler.expectUpdate("fetched", .finished)
                try await scheduler.expectUpdate("downloaded", .running)
                try await scheduler.expectUpdate("downloaded", .finished)
                let failed = try await scheduler.expectUpdate("unfetchable", .failed)
                #expect(failed.reason == .containerLaunchFailed)
                #expect(failed.source == .agent)
                #expect(
                    failed.message
                        == "Failed to launch container: Failed to fetch '\(missing)': HTTP 404")
            }
        }
    }

    @Test func executorThatExitsFailsItsTasksAndReportsFailure() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [harness.executorTask("crash", on: offer, data: "exit3")], on: offer)
                try await scheduler.expectUpdate("crash", .running)
                let failed = try await scheduler.expectUpdate("crash", .failed)
                #expect(failed.reason == .executorTerminated)
                #expect(failed.source == .agent)
                let failure = try await scheduler.next("FAILURE") {
                    event -> SchedulerEvent.Failure? in
                    if case .failure(let failure) = event { return failure }
                    return nil
                }
                #expect(failure.executorID == "crash.exec")
                #expect(failure.agentID == offer.agentID)
                #expect(failure.status == 3 << 8)
            }
        }
    }

    @Test func finishedTaskAndSchedulerMessagesRoundTrip() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [harness.executorTask("f", on: offer, data: "finish")], on: offer)
                try await scheduler.expectUpdate("f", .running)
                try await scheduler.expectUpdate("f", .finished)
                let message = SchedulerCall.Message(
                    agentID: offer.agentID, executorID: "f.exec", data: Data("ping".utf8))
                #expect(try await scheduler.call(.message(message)).status == 202)
                let echoed = try await scheduler.next("MESSAGE") {
                    event -> SchedulerEvent.Message? in
                    if case .message(let message) = event { return message }
                    return nil
                }
                #expect(echoed.data == Data("ping".utf8))
                #expect(echoed.executorID == "f.exec")
            }
        }
    }

    @Test func killedAgentLosesItsTasksAndItsExecutorsDie() async throws {
        try await ClusterHarness.withCluster(agents: 2) { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offers = try await scheduler.nextOffers()
                let offer = try #require(offers.first { $0.hostname == "127.0.0.2" })
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                let agent = harness.cluster.agents[0]
                let pids = await agent.runningExecutors.compactMap(\.pid)
                #expect(pids.count == 1)

                await agent.kill()
                let lost = try await scheduler.nextUpdate("TASK_LOST") { $0.taskID == "t1" }
                #expect(lost.state == .lost)
                #expect(lost.reason == .agentRemoved)
                #expect(lost.source == .master)
                #expect(lost.uuid == nil)
                let failure = try await scheduler.next("FAILURE for the agent") {
                    event -> SchedulerEvent.Failure? in
                    if case .failure(let failure) = event, failure.executorID == nil {
                        return failure
                    }
                    return nil
                }
                #expect(failure.agentID == offer.agentID)
                for pid in pids { #expect(!processExists(pid)) }
                let reconciled = try await scheduler.call(
                    .reconcile(.init(tasks: [.init(taskID: "t1", agentID: offer.agentID)])))
                #expect(reconciled.status == 202)
                #expect(
                    try await scheduler.nextUpdate("reconciliation") {
                        $0.reason == .reconciliation
                    }.state == .lost)
            }
        }
    }

    @Test func failoverWithinTheTimeoutKeepsTheTaskAndPastItKillsIt() async throws {
        try await ClusterHarness.withCluster { harness in
            let first = try await TestScheduler.subscribe(
                to: harness.url, .test(failoverTimeout: 2))
            let offer = try #require(try await first.nextOffers().first)
            try await first.launch([harness.executorTask("t1", on: offer)], on: offer)
            let running = try await first.nextUpdate("TASK_RUNNING") { $0.state == .running }
            first.disconnect()

            // Back within the timeout: the unacknowledged RUNNING comes again and the task lives on.
            var info = FrameworkInfo.test(failoverTimeout: 2)
            info.id = first.frameworkID
            let second = try await TestScheduler.subscribe(to: harness.url, info)
            let again = try await second.nextUpdate("RUNNING again") { $0.state == .running }
            #expect(again.uuid == running.uuid)
            try await second.acknowledge(again)
            #expect(try await second.call(.reconcile(.init())).status == 202)
            #expect(
                try await second.nextUpdate("reconciliation") { $0.reason == .reconciliation }.state
                    == .running)
            let pids = await harness.cluster.agents[0].runningExecutors.compactMap(\.pid)
            #expect(pids.count == 1)

            // Gone past the timeout: the framework is removed and its executor shut down.
            second.disconnect()
            try await eventually("the framework's executor to be shut down") {
                await harness.cluster.agents[0].runningExecutors.isEmpty
            }
            for pid in pids { #expect(!processExists(pid)) }
            var request = SchedulerCall.subscribe(info)
            request.frameworkID = info.id
            let late = try? await TestScheduler.subscribe(to: harness.url, info)
            #expect(late == nil)
        }
    }

    @Test func noProcessOutlivesTheCluster() async throws {
        let pids = try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [
                        harness.executorTask("t1", on: offer),
                        harness.commandTask("c1", on: offer, "sleep 300"),
                    ], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                try await scheduler.expectUpdate("c1", .running)
                return await harness.cluster.agents[0].runningExecutors.compactMap(\.pid)
            }
        }
        #expect(pids.count == 2)
        for pid in pids { #expect(!processExists(pid)) }
    }
}

import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import Testing

/// Two scheduler instances with the same persistence (a rolling deploy, an overlapping restart): one leads,
/// the other waits as a standby and says so; when the leader is SIGKILLed the standby takes over with the
/// same framework ID and launches nothing new. An instance that Mesos fails over stops instead of
/// subscribing again.
@Suite("End to end: one active scheduler", .serialized)
struct SchedulerElectionTests {
    @Test(
        "two schedulers, one persistence: one subscribed; SIGKILL it and the other takes over within 15 s",
        arguments: FailoverTests.Persistence.allCases)
    func oneLeadsAndTheStandbyTakesOver(persistence: FailoverTests.Persistence) async throws {
        switch persistence {
        case .file:
            try await run(persistenceArgument: nil)
        case .zooKeeper:
            try await withZooKeeperServer { server in
                try await run(
                    persistenceArgument:
                        "-zk-framework-persist=zk://\(server.connectString)/etcd-mesos")
            }
        }
    }

    private func run(persistenceArgument: String?) async throws {
        try await TestMesos.withCluster(agents: 3) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-election")
            defer { directory.remove() }
            var arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: ["-chill=1s"])
            if let persistenceArgument {
                arguments =
                    arguments.filter { !$0.hasPrefix("-framework-persist-file") } + [
                        persistenceArgument
                    ]
            }
            let ports = (try FreePort.allocate(), try FreePort.allocate())
            async let startedA = SchedulerProcess.start(
                arguments: arguments, adminPort: ports.0, logPath: directory.appending("a.log"))
            async let startedB = SchedulerProcess.start(
                arguments: arguments, adminPort: ports.1, logPath: directory.appending("b.log"))
            let (a, b) = try await (startedA, startedB)
            do {
                try await check(a, b, mesos: mesos)
            } catch {
                _ = await a.process.terminate(gracePeriod: .zero)
                _ = await b.process.terminate(gracePeriod: .zero)
                throw SchedulerTestError(
                    "\(error)\n--- a ---\n\(a.logTail())\n--- b ---\n\(b.logTail())")
            }
            _ = await a.process.terminate(gracePeriod: .seconds(5))
            _ = await b.process.terminate(gracePeriod: .seconds(5))
        }
    }

    private func check(_ a: SchedulerProcess, _ b: SchedulerProcess, mesos: LocalCluster)
        async throws
    {
        var roles: [String?] = []
        try await eventually(timeout: .seconds(30), "one leader and one standby") {
            roles = [
                try await a.stats()["scheduler_role"] as? String,
                try await b.stats()["scheduler_role"] as? String,
            ]
            return roles.sorted { ($0 ?? "") < ($1 ?? "") } == ["leader", "standby"]
        }
        let (leader, standby) = roles[0] == "leader" ? (a, b) : (b, a)
        try await waitForHealthyCluster(leader, size: 3, timeout: .seconds(90), "3 healthy members")
        let frameworkID = try #require(try await leader.stats()["framework_id"] as? String)
        let tasksBefore = await MultiMasterMesos.activeTaskIDs(mesos)
        #expect(tasksBefore.count == 3)

        // The standby says so, and stays off Mesos: the framework keeps one stream, the leader's.
        let health = try await standby.get("/healthz")
        #expect(health.status == 503)
        let reasons =
            (try JSONSerialization.jsonObject(with: health.body) as? [String: Any])?["reasons"]
            as? [String]
        #expect(reasons?.first == "standby: another scheduler instance leads")
        let stream = await mesos.master.master.snapshot.frameworks[FrameworkID(frameworkID)]?
            .streamID
        #expect(stream != nil)
        try await Task.sleep(for: .seconds(5))
        #expect(try await standby.stats()["scheduler_role"] as? String == "standby")
        #expect(
            await mesos.master.master.snapshot.frameworks[FrameworkID(frameworkID)]?.streamID
                == stream)

        let crashed = ContinuousClock.now
        await leader.crash()
        try await eventually(timeout: .seconds(15), "the standby to take over within 15 s") {
            let stats = try await standby.stats()
            let framework = await mesos.master.master.snapshot.frameworks[FrameworkID(frameworkID)]
            return stats["scheduler_role"] as? String == "leader" && stats["mesos_master"] is String
                && framework?.isConnected == true && framework?.streamID != stream
        }
        let tookOver = ContinuousClock.now - crashed
        #expect(tookOver < .seconds(15), "took over after \(tookOver)")
        #expect(try await standby.stats()["framework_id"] as? String == frameworkID)
        try await waitForHealthyCluster(
            standby, size: 3, timeout: .seconds(60), "the new leader to adopt 3 members")
        #expect(try await standby.stat("launched_servers") == 0)
        #expect(await MultiMasterMesos.activeTaskIDs(mesos) == tasksBefore)
    }

    @Test("an instance Mesos fails over stops, non-zero, instead of subscribing again")
    func failedOverInstanceStops() async throws {
        try await TestMesos.withCluster(agents: 1) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-failed-over")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"))
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                var frameworkID: String?
                try await eventually(timeout: .seconds(30), "the scheduler to subscribe") {
                    let stats = try await scheduler.stats()
                    frameworkID = stats["framework_id"] as? String
                    return frameworkID != nil && stats["mesos_master"] is String
                }
                // Another instance subscribes as the same framework: Mesos fails the first one over.
                let client = HTTPClient(
                    eventLoopGroupProvider: .singleton, configuration: .mesos())
                let result: Result<Void, any Error>
                do {
                    try await SchedulerSubscription.withSubscription(
                        to: try MesosEndpoint(parsing: mesos.url, defaultPort: 5050),
                        framework: FrameworkInfo(
                            user: "root", name: "etcd-e2e", id: FrameworkID(frameworkID!),
                            failoverTimeout: 60, checkpoint: true),
                        httpClient: client, logger: Logger(label: "rival")
                    ) { _ in
                        try await eventually(
                            timeout: .seconds(15), "the failed-over scheduler to exit"
                        ) {
                            scheduler.process.exitStatus != nil
                        }
                        // It does not come back to take the framework again.
                        try await Task.sleep(for: .seconds(2))
                    }
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                try await client.shutdown()
                try result.get()
                #expect(scheduler.process.exitStatus != .exited(0))
                #expect(scheduler.logTail(lines: 200).contains("Framework failed over"))
            }
        }
    }
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import Testing

/// A scheduler that is SIGKILLed and started again keeps its framework ID, adopts its running tasks and
/// launches no duplicate, whether its state lives in a file or in ZooKeeper.
@Suite("End to end: scheduler failover", .serialized)
struct FailoverTests {
    enum Persistence: String, CaseIterable, CustomTestStringConvertible {
        case file, zooKeeper
        var testDescription: String { rawValue }
    }

    @Test(
        "SIGKILL and restart: same framework ID, the same 3 tasks, no new launch",
        arguments: Persistence.allCases)
    func restartAdoptsRunningTasks(persistence: Persistence) async throws {
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
            let directory = try TemporaryDirectory(prefix: "e2e-failover")
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
            let adminPort = try FreePort.allocate()
            let first = try await SchedulerProcess.start(
                arguments: arguments, adminPort: adminPort,
                logPath: directory.appending("first.log"))
            let frameworkID: String
            let tasksBefore: Set<String>
            do {
                try await waitForHealthyCluster(
                    first, size: 3, timeout: .seconds(90), "3 healthy members")
                frameworkID = try #require(try await first.stats()["framework_id"] as? String)
                tasksBefore = Set(try await first.members().compactMap { $0["taskID"] as? String })
                await first.crash()
            } catch {
                _ = await first.process.terminate(gracePeriod: .zero)
                throw SchedulerTestError(
                    "\(error)\n--- first scheduler log ---\n\(first.logTail())")
            }

            try await SchedulerProcess.with(
                arguments: arguments, adminPort: adminPort,
                logPath: directory.appending("second.log")
            ) { second in
                try await waitForHealthyCluster(
                    second, size: 3, timeout: .seconds(60),
                    "the restarted scheduler to adopt 3 members")
                #expect(try await second.stats()["framework_id"] as? String == frameworkID)
                #expect(
                    Set(try await second.members().compactMap { $0["taskID"] as? String })
                        == tasksBefore)
                #expect(try await second.stat("launched_servers") == 0)
                let state = await mesos.master.master.snapshot
                let active = state.frameworks.values.flatMap { $0.tasks.values }.filter {
                    !$0.state.isTerminal
                }
                #expect(
                    active.count == 3, "tasks active at the master: \(active.map(\.info.taskID))")
            }
        }
    }
}

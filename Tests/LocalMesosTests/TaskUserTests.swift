import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--switch_user` as a real agent does it (slave.cpp `Framework::addExecutor`, slave/paths.cpp
/// `createExecutorDirectory`): the executor runs as FrameworkInfo.user in a sandbox owned by that user, and a
/// user the agent does not know drops the task with the agent's own message. Switching needs root, as it
/// does for a real agent (CI and this project's machines run the tests as root).
@Suite(.enabled(if: geteuid() == 0, "switching users needs root, as a real agent does"))
struct TaskUserTests {
    private func sandboxes(
        _ harness: ClusterHarness, agent: AgentID, framework: FrameworkID, task: String
    )
        -> String
    {
        [
            harness.workDirectory, "work", "slaves", agent.value, "frameworks", framework.value,
            "executors", task, "runs",
        ].joined(separator: "/")
    }

    @Test func theTaskRunsAsTheFrameworksUserInASandboxItOwns() async throws {
        try await ClusterHarness.withCluster { harness in
            var info = FrameworkInfo.test()
            info.user = "nobody"
            try await TestScheduler.withSubscribed(to: harness.url, info) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [harness.commandTask("t1", on: offer, "id -un > whoami")], on: offer)
                _ = try await scheduler.expectUpdate("t1", .running)
                let runs = sandboxes(
                    harness, agent: offer.agentID, framework: scheduler.frameworkID, task: "t1")
                let run = try #require(
                    try FileManager.default.contentsOfDirectory(atPath: runs).first)
                let sandbox = "\(runs)/\(run)"
                try await eventually("the task to write whoami") {
                    let text = try? String(contentsOfFile: "\(sandbox)/whoami", encoding: .utf8)
                    return text?.hasSuffix("\n") == true
                }
                let whoami = try String(contentsOfFile: "\(sandbox)/whoami", encoding: .utf8)
                #expect(whoami.trimmingCharacters(in: .whitespacesAndNewlines) == "nobody")
                var status = stat()
                #expect(stat(sandbox, &status) == 0)
                #expect(
                    getpwuid(status.st_uid).map { String(cString: $0.pointee.pw_name) } == "nobody")
            }
        }
    }

    @Test func anUnknownUserDropsTheTaskWithTheAgentsMessage() async throws {
        try await ClusterHarness.withCluster { harness in
            var info = FrameworkInfo.test()
            info.user = "no-such-user-etcd-mesos"
            try await TestScheduler.withSubscribed(to: harness.url, info) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [harness.commandTask("t1", on: offer, "true")], on: offer)
                let lost = try await scheduler.expectUpdate("t1", .lost)
                #expect(
                    lost.message
                        == "Failed to chown directory to 'no-such-user-etcd-mesos': "
                        + "No such user 'no-such-user-etcd-mesos'")
                #expect(lost.reason == .executorTerminated)
                #expect(lost.source == .agent)
                let runs = sandboxes(
                    harness, agent: offer.agentID, framework: scheduler.frameworkID, task: "t1")
                #expect((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? [] == [])
            }
        }
    }
}

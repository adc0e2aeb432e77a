import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An agent whose executors cannot see some paths (`AgentConfiguration.hiddenPaths`): how the tests stand for
/// an agent host without a Swift toolchain. Mounting needs root, as Mesos' filesystem/linux isolator does.
@Suite(.enabled(if: geteuid() == 0, "a mount namespace needs root"))
struct HiddenPathsTests {
    @Test func aHiddenDirectoryIsEmptyForTheTaskAndUntouchedOnTheHost() async throws {
        let hidden = try TemporaryDirectory(prefix: "hidden-path")
        defer { hidden.remove() }
        try Data("present".utf8).write(to: URL(fileURLWithPath: hidden.appending("marker")))
        try await ClusterHarness.withCluster(customizeAgent: { $0.hiddenPaths = [hidden.path] }) {
            harness in
            let output = harness.workDirectory + "/seen"
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch(
                    [
                        harness.commandTask(
                            "t1", on: offer,
                            "ls -A '\(hidden.path)' | wc -l > '\(output)'; touch '\(hidden.path)/new'"
                        )
                    ], on: offer)
                _ = try await scheduler.expectUpdate("t1", .running)
                // The tmpfs is read-only: `touch` fails, so the task fails — after writing what it saw.
                _ = try await scheduler.expectUpdate("t1", .failed)
            }
            let seen = try String(contentsOfFile: output, encoding: .utf8)
            #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            #expect(try FileManager.default.contentsOfDirectory(atPath: hidden.path) == ["marker"])
        }
    }
}

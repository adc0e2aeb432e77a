import EtcdMesosTesting
import Foundation
import ProcessControl
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ChildProcess")
struct ChildProcessTests {
    @Test("exit codes and output reach the caller")
    func exitCodeAndOutput() async throws {
        let dir = try TemporaryDirectory(prefix: "child")
        defer { dir.remove() }
        let log = dir.appending("out.log")
        let child = try ChildProcess.launch(
            executable: "/bin/sh", arguments: ["-c", "echo hello; echo oops >&2; pwd; exit 7"],
            environment: ["PATH": "/usr/bin:/bin"], workingDirectory: dir.path, outputPath: log)
        #expect(await child.waitForExit() == .exited(7))
        let output = try String(contentsOfFile: log, encoding: .utf8)
        #expect(output.contains("hello"))
        #expect(output.contains("oops"))
        #expect(output.contains(dir.path))
    }

    @Test("the environment is exactly the one given")
    func environment() async throws {
        let dir = try TemporaryDirectory(prefix: "child")
        defer { dir.remove() }
        let log = dir.appending("env.log")
        let child = try ChildProcess.launch(
            executable: "/usr/bin/env", arguments: [], environment: ["ONLY_THIS": "1"],
            outputPath: log)
        #expect(await child.waitForExit() == .exited(0))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "ONLY_THIS=1\n")
    }

    @Test("terminate stops the whole process group, grandchildren included")
    func terminateKillsGrandchildren() async throws {
        let dir = try TemporaryDirectory(prefix: "child")
        defer { dir.remove() }
        let pidFile = dir.appending("grandchild.pid")
        // The grandchild ignores nothing, but the parent traps TERM and lingers: SIGKILL must follow.
        let script = "sleep 300 & echo $! > \(pidFile); trap '' TERM; while true; do sleep 1; done"
        let child = try ChildProcess.launch(executable: "/bin/sh", arguments: ["-c", script])
        try await eventually(timeout: .seconds(30), "the grandchild's pid file") {
            let contents = try? String(contentsOfFile: pidFile, encoding: .utf8)
            return contents?.hasSuffix("\n") == true
        }
        let grandchild = pid_t(
            try String(contentsOfFile: pidFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(getpgid(grandchild) == child.pid)

        let started = ContinuousClock.now
        let status = await child.terminate(gracePeriod: .milliseconds(500))
        #expect(status == .signalled(SIGKILL))
        // A hang is what this guards against (the child ignores SIGTERM forever); the bound is
        // generous because CI runs every suite at once on two cores, where the first half minute of the
        // run has starved this very await for over 30 s.
        #expect(ContinuousClock.now - started < .seconds(120))
        try await eventually(timeout: .seconds(30), "the grandchild to be gone") {
            kill(grandchild, 0) != 0
        }
    }

    @Test("a graceful child exits on SIGTERM within the grace period")
    func gracefulTerminate() async throws {
        let child = try ChildProcess.launch(executable: "/bin/sleep", arguments: ["300"])
        #expect(child.exitStatus == nil)
        let status = await child.terminate(gracePeriod: .seconds(5))
        #expect(status == .signalled(SIGTERM))
        #expect(child.exitStatus == .signalled(SIGTERM))
    }

    @Test("a missing executable is a clear error, not a child that fails later")
    func missingExecutable() throws {
        #expect(throws: ChildProcessError.self) {
            _ = try ChildProcess.launch(executable: "/nonexistent/etcd", arguments: [])
        }
        do {
            _ = try ChildProcess.launch(executable: "/nonexistent/etcd", arguments: [])
        } catch {
            #expect("\(error)".contains("/nonexistent/etcd"))
        }
    }
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import ProcessControl
import Testing

@Suite struct LocalMesosExecutableTests {
    /// The `etcd-mesos-local` binary built beside the test bundle.
    static func binary() throws -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundle, bundle.deletingLastPathComponent()].map {
            $0.appendingPathComponent("etcd-mesos-local").path
        }
        guard
            let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }
            )
        else {
            throw HarnessError(
                what:
                    "etcd-mesos-local is not built next to the tests (looked at \(candidates)); run swift build --build-tests"
            )
        }
        return found
    }

    @Test func sigtermStopsTheMasterAndEveryExecutor() async throws {
        let directory = try TemporaryDirectory(prefix: "etcd-mesos-local-test")
        defer { directory.remove() }
        let executorPath = directory.appending("test-executor.py")
        try TestExecutorScript.source.write(toFile: executorPath, atomically: true, encoding: .utf8)
        chmod(executorPath, 0o755)
        let port = try FreePort.allocate()
        let agentPort = try FreePort.allocate(host: "127.0.0.2")
        let process = try ChildProcess.launch(
            executable: try Self.binary(),
            arguments: [
                "--port", String(port), "--agents", "1", "--agent-port", String(agentPort),
                "--work-dir",
                directory.appending("work"), "--log-level", "warning",
            ],
            outputPath: directory.appending("output"))
        do {
            let url = "http://127.0.0.1:\(port)"
            try await eventually("etcd-mesos-local to print its URL") {
                (try? String(contentsOfFile: directory.appending("output"), encoding: .utf8))?
                    .contains(url) == true
            }
            let scheduler = try await TestScheduler.subscribe(to: url, .test())
            defer { scheduler.disconnect() }
            let offer = try #require(try await scheduler.nextOffers().first)
            #expect(offer.hostname == "127.0.0.2")
            let task = TaskInfo(
                name: "t1", taskID: "t1", agentID: offer.agentID,
                resources: [.scalar("cpus", 0.5), .scalar("mem", 128)],
                executor: ExecutorInfo(
                    type: .custom, executorID: "t1.exec", command: CommandInfo(value: executorPath),
                    resources: [.scalar("cpus", 0.1), .scalar("mem", 32)]))
            let command = TaskInfo(
                name: "c1", taskID: "c1", agentID: offer.agentID, resources: [.scalar("cpus", 0.1)],
                command: CommandInfo(value: "echo $$ > pid; exec sleep 300"))
            try await scheduler.launch([task, command], on: offer)
            try await scheduler.expectUpdate("t1", .running)
            try await scheduler.expectUpdate("c1", .running)

            let sandboxes = directory.appending(
                "work/slaves/\(offer.agentID)/frameworks/\(scheduler.frameworkID)/executors")
            var pids: [Int32] = []
            try await eventually("both tasks to record their pids") {
                pids = []
                for (executor, file, key) in [("t1.exec", "env.json", "pid"), ("c1", "pid", "")] {
                    guard
                        let run = try? FileManager.default.contentsOfDirectory(
                            atPath: "\(sandboxes)/\(executor)/runs"
                        ).first,
                        let data = FileManager.default.contents(
                            atPath: "\(sandboxes)/\(executor)/runs/\(run)/\(file)")
                    else { return false }
                    if key.isEmpty {
                        guard
                            let pid = Int32(
                                String(decoding: data, as: UTF8.self).trimmingCharacters(
                                    in: .whitespacesAndNewlines))
                        else { return false }
                        pids.append(pid)
                    } else {
                        guard
                            let object = try JSONSerialization.jsonObject(with: data)
                                as? [String: Any],
                            let pid = object[key] as? Int
                        else { return false }
                        pids.append(Int32(pid))
                    }
                }
                return true
            }
            for pid in pids { #expect(processExists(pid)) }

            process.signal(SIGTERM)
            let status = await process.waitForExit(timeout: .seconds(20))
            #expect(status == .exited(0))
            // A SIGKILLed process is gone a moment after the signal, not at it: wait for that, bounded.
            try await eventually(timeout: .seconds(10), "every executor process to be gone") {
                pids.allSatisfy { !processExists($0) }
            }
        } catch {
            await process.terminate(gracePeriod: .seconds(5))
            throw error
        }
        await process.terminate(gracePeriod: .seconds(5))
    }
}

import EtcdMesosTesting
import Foundation
import ProcessControl

#if canImport(Glibc)
    import Glibc
#endif

/// What one run of the built `etcd-mesos-restore` printed and how it ended.
struct CLIResult: Sendable, CustomStringConvertible {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var seconds: Double

    var description: String {
        "exit \(exitCode) after \(String(format: "%.2f", seconds))s\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
    }

    /// stdout as JSON.
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(stdout.utf8))
    }

    /// stdout as a JSON object.
    func jsonObject() throws -> [String: Any] {
        guard
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        else {
            throw CLIFailure(message: "stdout is not a JSON object:\n\(self)")
        }
        return object
    }

    /// Each stdout line as a JSON object (`seed --json`).
    func jsonLines() throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            guard
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                    as? [String: Any]
            else {
                throw CLIFailure(message: "not a JSON object line: \(line)")
            }
            return object
        }
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs the built `etcd-mesos-restore` with `arguments` and waits for it (at most `timeout`, then it is killed).
///
/// Its temporary files go to `temporaryDirectory` (`TMPDIR`), so a test can check that none were left behind.
/// With `interruptWhen`, it gets SIGINT (as from Ctrl-C) as soon as that condition holds. `environment` adds
/// variables (those of the test process starting with `ETCD` are left out).
func runRestoreCLI(
    _ arguments: [String], temporaryDirectory: String? = nil, timeout: Duration = .seconds(60),
    environment extra: [String: String] = [:],
    interruptWhen: (@Sendable () -> Bool)? = nil
) async throws -> CLIResult {
    let binary = try BuildProducts.executable("etcd-mesos-restore")
    let capture = try TemporaryDirectory(prefix: "restore-cli")
    defer { capture.remove() }
    let stdoutPath = capture.appending("stdout")
    let stderrPath = capture.appending("stderr")
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ETCD") }
    environment["RESTORE_CLI_STDERR"] = stderrPath
    if let temporaryDirectory { environment["TMPDIR"] = temporaryDirectory }
    environment.merge(extra) { _, given in given }
    // ChildProcess sends stdout and stderr to one file; the shell splits them, then becomes the CLI.
    let clock = ContinuousClock()
    let started = clock.now
    let child = try ChildProcess.launch(
        executable: "/bin/sh",
        arguments: ["-c", #"exec "$0" "$@" 2>"$RESTORE_CLI_STDERR""#, binary] + arguments,
        environment: environment, outputPath: stdoutPath)
    if let interruptWhen {
        do {
            try await eventually(timeout: timeout, "the moment to interrupt etcd-mesos-restore") {
                interruptWhen() || child.exitStatus != nil
            }
        } catch {
            await child.terminate(gracePeriod: .seconds(2))
            throw error
        }
        child.signal(SIGINT)
    }
    guard let status = await child.waitForExit(timeout: timeout) else {
        await child.terminate(gracePeriod: .seconds(2))
        throw CLIFailure(
            message:
                "`etcd-mesos-restore \(arguments.joined(separator: " "))` ran longer than \(timeout)"
        )
    }
    let seconds =
        Double((clock.now - started).components.attoseconds) / 1e18
        + Double((clock.now - started).components.seconds)
    guard case .exited(let code) = status else {
        throw CLIFailure(message: "etcd-mesos-restore \(status)")
    }
    return CLIResult(
        exitCode: code,
        stdout: (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "",
        seconds: seconds)
}

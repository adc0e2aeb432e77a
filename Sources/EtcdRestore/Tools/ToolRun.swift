import Foundation
import ProcessControl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one etcd tool (`etcdutl`, `etcdctl`) to completion and returns its combined output.
///
/// The tool gets this process's environment without `ETCD_*`/`ETCDCTL_*` settings (etcd's tools read flags from
/// them), plus `ETCDCTL_API=3`. Cancelling the calling task (SIGINT) stops the tool's whole process group.
struct ToolRun {
    var executable: String
    var arguments: [String]
    var timeout: Duration

    var commandLine: String { ([executable] + arguments).joined(separator: " ") }

    /// The output; throws `toolFailed` with the output's tail when the tool fails or runs past `timeout`.
    func output() async throws(RestoreFailure) -> String {
        let (status, output) = try await run()
        guard status.isSuccess else {
            throw .toolFailed(
                command: commandLine, status: status.description, output: Self.tail(output))
        }
        return output
    }

    /// The exit status and the output, whatever the status.
    func run() async throws(RestoreFailure) -> (ChildProcess.ExitStatus, String) {
        var template = Array(
            "\(FileManager.default.temporaryDirectory.path)/etcd-mesos-restore-tool-XXXXXX"
                .utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw .fileSystem(
                operation: "create a file for the output of", path: executable,
                reason: String(cString: strerror(errno))
            )
        }
        close(fd)
        let outputPath = String(
            decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(outputPath) }

        let child: ChildProcess
        do {
            child = try ChildProcess.launch(
                executable: executable, arguments: arguments, environment: Self.environment,
                outputPath: outputPath)
        } catch {
            throw .toolFailed(command: commandLine, status: "could not start", output: "\(error)")
        }
        let status = await withTaskCancellationHandler {
            await child.waitForExit(timeout: timeout)
        } onCancel: {
            child.signal(SIGTERM)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        if Task.isCancelled {
            await child.terminate(gracePeriod: .seconds(2))
            throw .interrupted
        }
        guard let status else {
            await child.terminate(gracePeriod: .seconds(2))
            throw .toolFailed(
                command: commandLine,
                status: "did not finish within \(RestoreDuration.format(timeout))",
                output: Self.tail(output))
        }
        return (status, output)
    }

    static var environment: [String: String] {
        ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_") }
            .merging(["ETCDCTL_API": "3"]) { $1 }
    }

    /// The last lines of a tool's output, for error messages.
    static func tail(_ output: String, lines: Int = 15) -> String {
        output.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

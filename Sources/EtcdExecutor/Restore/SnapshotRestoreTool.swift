import Foundation
import ProcessControl

/// etcd's own snapshot restore tool next to the etcd binary: `etcdutl snapshot restore` (etcd 3.5+) when it is
/// there, else `etcdctl snapshot restore` with the v3 API (etcd 3.4). The scheduler ships both into the sandbox
/// beside etcd.
public struct SnapshotRestoreTool: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case etcdutl, etcdctl
    }

    public var kind: Kind
    public var executable: String

    public init(kind: Kind, executable: String) {
        self.kind = kind
        self.executable = executable
    }

    /// Added to the restored revision when the tool can, so that watchers of the old cluster see a compaction
    /// and re-list instead of silently missing what changed after the snapshot.
    public static let revisionBump = 1_000_000_000

    /// The tool in the directory of `etcdBinary`, etcdutl first.
    public static func locate(nextTo etcdBinary: String) throws(MemberRestoreError) -> SnapshotRestoreTool {
        let directory = URL(fileURLWithPath: etcdBinary).deletingLastPathComponent().path
        for kind in [Kind.etcdutl, .etcdctl] {
            let path = directory + "/" + kind.rawValue
            if FileManager.default.isExecutableFile(atPath: path) {
                return SnapshotRestoreTool(kind: kind, executable: path)
            }
        }
        throw .noRestoreTool(directory: directory)
    }

    /// True when `help` (the output of `snapshot restore --help`) lists both `--bump-revision` and
    /// `--mark-compacted`; etcdutl refuses a bump without marking the revision compacted, so it is both or none.
    public static func supportsRevisionBump(help: String) -> Bool {
        help.contains("--bump-revision") && help.contains("--mark-compacted")
    }

    /// What the member's restore needs besides the snapshot.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var initialCluster: String
        public var clusterToken: String
        public var peerURL: String

        public init(name: String, initialCluster: String, clusterToken: String, peerURL: String) {
            self.name = name
            self.initialCluster = initialCluster
            self.clusterToken = clusterToken
            self.peerURL = peerURL
        }
    }

    /// The `snapshot restore` arguments (without argv[0]).
    public func restoreArguments(
        snapshot: String, member: Member, dataDirectory: String, bumpRevision: Bool
    ) -> [String] {
        var arguments = [
            "snapshot", "restore", snapshot,
            "--name", member.name,
            "--initial-cluster", member.initialCluster,
            "--initial-cluster-token", member.clusterToken,
            "--initial-advertise-peer-urls", member.peerURL,
            "--data-dir", dataDirectory,
        ]
        if bumpRevision { arguments += ["--bump-revision", "\(Self.revisionBump)", "--mark-compacted"] }
        return arguments
    }

    /// Asks the tool whether it can bump the revision (`snapshot restore --help`); false if it cannot say.
    public func supportsRevisionBump(scratch: String) async -> Bool {
        let output = scratch + "/.\(kind.rawValue)-restore-help.txt"
        defer { unlink(output) }
        guard
            let child = try? ChildProcess.launch(
                executable: executable, arguments: ["snapshot", "restore", "--help"], environment: environment,
                outputPath: output)
        else { return false }
        guard await child.waitForExit(timeout: .seconds(20)) != nil else {
            await child.terminate(gracePeriod: .seconds(1))
            return false
        }
        let help = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Self.supportsRevisionBump(help: help)
    }

    /// Runs `arguments` to completion, appending the tool's output to `logPath`; throws with the end of that
    /// output when it fails, and kills it when it takes longer than `timeout` or the task is cancelled.
    func run(_ arguments: [String], logPath: String, timeout: Duration) async throws(MemberRestoreError) {
        // Only this run's output goes into the error: the log keeps earlier attempts too.
        var info = stat()
        let logStart = stat(logPath, &info) == 0 ? UInt64(info.st_size) : 0
        let child: ChildProcess
        do {
            child = try ChildProcess.launch(
                executable: executable, arguments: arguments, environment: environment, outputPath: logPath)
        } catch {
            throw .toolFailed(command: commandLine(arguments), status: "could not be started", output: "\(error)")
        }
        guard let status = await child.waitForExit(timeout: timeout) else {
            await child.terminate(gracePeriod: .seconds(2))
            if Task.isCancelled { throw .stopped }
            throw .toolTimedOut(command: commandLine(arguments), after: timeout)
        }
        guard status.isSuccess else {
            throw .toolFailed(
                command: commandLine(arguments), status: status.description,
                output: Self.lastLines(of: logPath, from: logStart))
        }
    }

    func commandLine(_ arguments: [String]) -> String {
        ([executable] + arguments).joined(separator: " ")
    }

    /// The executor's environment without `ETCD*` settings (the tools read flags from them), with API v3.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_") && !$0.key.hasPrefix("ETCDUTL_")
        }
        if kind == .etcdctl { environment["ETCDCTL_API"] = "3" }
        return environment
    }

    /// The last lines the tool wrote to the log (from `offset`, where this run began).
    private static func lastLines(of path: String, from offset: UInt64, lines: Int = 15) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data.suffix(64 * 1024), as: UTF8.self)
            .split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

import BackupArchive
import Foundation
import ProcessControl

/// etcd's own snapshot restore tool next to the etcd binary: `etcdutl snapshot restore` (etcd 3.5+) when it is
/// there, else `etcdctl snapshot restore` with the v3 API (etcd 3.4). The scheduler ships both into the sandbox
/// beside etcd. Its arguments come from `SnapshotRestoreCommand`; this type finds and runs it.
public struct SnapshotRestoreTool: Sendable, Equatable {
    public typealias Kind = SnapshotToolKind
    public typealias Member = SnapshotRestoreCommand.Member

    public var kind: Kind
    public var executable: String

    public init(kind: Kind, executable: String) {
        self.kind = kind
        self.executable = executable
    }

    /// The tool in the directory of `etcdBinary`, etcdutl first.
    public static func locate(nextTo etcdBinary: String) throws(MemberRestoreError)
        -> SnapshotRestoreTool
    {
        let directory = URL(fileURLWithPath: etcdBinary).deletingLastPathComponent().path
        guard let (kind, path) = SnapshotToolKind.locate(in: directory) else {
            throw .noRestoreTool(directory: directory)
        }
        return SnapshotRestoreTool(kind: kind, executable: path)
    }

    /// The `snapshot restore` arguments (without argv[0]), with the standard revision bump and the
    /// compaction mark when `bumpRevision` (what `supportsRevisionBump(scratch:)` found). The snapshot is
    /// one `MemberRestore` extracted through the archive's full check, etcd's trailing hash included, so the
    /// tool does not check that hash again.
    public func restoreArguments(
        snapshot: String, member: Member, dataDirectory: String, bumpRevision: Bool
    ) -> [String] {
        SnapshotRestoreCommand(tool: kind, canBumpRevision: bumpRevision).arguments(
            snapshot: snapshot, member: member, dataDirectory: dataDirectory,
            revisionBump: SnapshotRestoreCommand.standardRevisionBump, hashVerified: true)
    }

    /// Asks the tool whether it can bump the revision (`snapshot restore --help`); false if it cannot say.
    public func supportsRevisionBump(scratch: String) async -> Bool {
        let output = scratch + "/.\(kind.rawValue)-restore-help.txt"
        defer { unlink(output) }
        guard
            let child = try? ChildProcess.launch(
                executable: executable, arguments: SnapshotRestoreCommand.helpArguments,
                environment: environment, outputPath: output)
        else { return false }
        guard await child.waitForExit(timeout: .seconds(20)) != nil else {
            await child.terminate(gracePeriod: .seconds(1))
            return false
        }
        let help = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return SnapshotRestoreCommand.canBumpRevision(help: help)
    }

    /// Runs `arguments` to completion, appending the tool's output to `logPath`; throws with the end of that
    /// output when it fails, and kills it when it takes longer than `timeout` or the task is cancelled.
    func run(_ arguments: [String], logPath: String, timeout: Duration)
        async throws(MemberRestoreError)
    {
        // Only this run's output goes into the error: the log keeps earlier attempts too.
        var info = stat()
        let logStart = stat(logPath, &info) == 0 ? UInt64(info.st_size) : 0
        let child: ChildProcess
        do {
            child = try ChildProcess.launch(
                executable: executable, arguments: arguments, environment: environment,
                outputPath: logPath)
        } catch {
            throw .toolFailed(
                command: commandLine(arguments), status: "could not be started", output: "\(error)")
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
            !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_")
                && !$0.key.hasPrefix("ETCDUTL_")
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

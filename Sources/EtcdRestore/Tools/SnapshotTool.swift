import Backup
import Foundation
import ProcessControl

/// The etcd tool on this machine that reads and restores snapshot files: `etcdutl` (etcd 3.5+) where it exists,
/// otherwise `etcdctl` with API v3 (etcd 3.4, whose etcdctl still has `snapshot status` and `snapshot restore`).
///
/// What it supports is asked, not assumed: its version from `version`, and `--bump-revision`/`--mark-compacted`
/// from its `snapshot restore --help` (etcd 3.4 and 3.5.1 have neither; newer etcdutl releases have both).
/// The restore's arguments come from `SnapshotRestoreCommand`.
public struct SnapshotTool: Sendable, Hashable, CustomStringConvertible {
    public typealias Kind = SnapshotToolKind

    public let kind: Kind
    public let path: String
    /// E.g. `3.4.23`.
    public let version: String
    /// True when its `snapshot restore` has both `--bump-revision` and `--mark-compacted`.
    public let canBumpRevision: Bool

    /// How this tool's `snapshot restore` is written.
    public var restoreCommand: SnapshotRestoreCommand {
        SnapshotRestoreCommand(tool: kind, canBumpRevision: canBumpRevision)
    }

    public var description: String { "\(kind.rawValue) \(version)" }

    /// Finds the tool in `directory` (`--etcd-bin-dir`) or, without one, on `PATH`: the first of etcdutl and
    /// etcdctl that runs and reports its version.
    public static func locate(in directory: String?) async throws(RestoreFailure) -> SnapshotTool {
        var searched: [String] = []
        var candidates: [(Kind, String)] = []
        for kind in Kind.preferenceOrder {
            if let directory {
                searched.append(kind.path(in: directory))
                candidates.append((kind, kind.path(in: directory)))
            } else {
                searched.append("PATH (\(kind.rawValue))")
                if let path = ChildProcess.findExecutable(kind.rawValue) {
                    candidates.append((kind, path))
                }
            }
        }
        var problems: [String] = []
        for (kind, path) in candidates where FileManager.default.isExecutableFile(atPath: path) {
            do throws(RestoreFailure) {
                return try await probe(kind: kind, path: path)
            } catch {
                if case .interrupted = error { throw error }
                problems.append("\(path): \(error)")
            }
        }
        throw .toolMissing(searched: searched + problems)
    }

    /// Asks the tool at `path` for its version and restore flags.
    static func probe(kind: Kind, path: String) async throws(RestoreFailure) -> SnapshotTool {
        let versionOutput = try await ToolRun(
            executable: path, arguments: ["version"], timeout: .seconds(30)
        ).output()
        let prefix = "\(kind.rawValue) version:"
        guard let line = versionOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) })
        else {
            throw .toolFailed(
                command: "\(path) version", status: "printed no version", output: versionOutput)
        }
        let version = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        // `--help` exits 0 on etcdutl and etcdctl alike; its text lists the flags the restore command has.
        let (_, help) = try await ToolRun(
            executable: path, arguments: SnapshotRestoreCommand.helpArguments, timeout: .seconds(30)
        ).run()
        return SnapshotTool(
            kind: kind, path: path, version: version,
            canBumpRevision: SnapshotRestoreCommand.canBumpRevision(help: help))
    }

    /// `snapshot status` of a snapshot file (`snapshot.db` as `etcdctl snapshot save` writes it).
    public func status(of snapshot: String) async throws(RestoreFailure) -> SnapshotFileStatus {
        let output = try await ToolRun(
            executable: path, arguments: ["snapshot", "status", snapshot, "-w", "json"],
            timeout: .seconds(600)
        ).output()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let status = try? JSONDecoder().decode(SnapshotFileStatus.self, from: Data(line.utf8))
        else {
            throw .toolFailed(
                command: "\(path) snapshot status \(snapshot) -w json",
                status: "printed no JSON status",
                output: ToolRun.tail(output))
        }
        return status
    }

    /// The arguments of `snapshot restore` for one member, with `--bump-revision` and
    /// `--mark-compacted` only where this tool has both.
    public func restoreArguments(
        snapshot: String, member: RestoreMemberSettings, dataDir: String
    ) -> [String] {
        restoreCommand.arguments(
            snapshot: snapshot, member: member.restoreMember, dataDirectory: dataDir,
            revisionBump: member.bumpRevision)
    }

    /// Restores `snapshot` into `dataDir`, which must not exist yet (both tools refuse an existing one).
    public func restore(
        snapshot: String, member: RestoreMemberSettings, dataDir: String
    ) async throws(RestoreFailure) {
        _ = try await ToolRun(
            executable: path,
            arguments: restoreArguments(snapshot: snapshot, member: member, dataDir: dataDir),
            timeout: .seconds(3600)
        ).output()
    }
}

/// What `snapshot status -w json` reports about a snapshot file.
public struct SnapshotFileStatus: Codable, Sendable, Hashable {
    /// etcd's hash of the key-value data (not a file hash).
    public var hash: UInt32
    /// The highest revision in the snapshot.
    public var revision: Int64
    /// Keys in the bbolt database across all buckets: every stored revision of every etcd key, plus etcd's
    /// own bookkeeping (members, meta). Not the number of live etcd keys.
    public var totalKey: Int
    /// Bytes of the database.
    public var totalSize: Int64

    enum CodingKeys: String, CodingKey {
        case hash, revision, totalKey, totalSize
    }
}

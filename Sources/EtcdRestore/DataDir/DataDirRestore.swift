import Backup
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Restores one member's data dir from an archive, offline, with etcd's own tool.
///
/// Nothing appears at the target unless the whole restore succeeded: the archive is verified and its database
/// extracted into a hidden scratch directory beside the target, the tool restores into that scratch directory,
/// and the result is renamed into place (`rename(2)` also refuses a target that gained files meanwhile). The
/// scratch directory is removed on every path. An existing non-empty directory, or a file, is refused untouched.
public struct DataDirRestore: Sendable {
    /// The target as given, made absolute.
    public let target: String
    let archive: LocalArchive
    /// The member's settings; `initialClusterToken` empty means "derive it from the backup".
    var member: RestoreMemberSettings
    var toolDirectory: String?

    /// What a finished restore produced.
    public struct Result: Sendable {
        public var dataDir: String
        public var manifest: BackupManifest
        public var tool: SnapshotTool
        public var member: RestoreMemberSettings
        /// The revision bump applied, or nil where the tool lacks `--bump-revision` or
        /// `--mark-compacted`.
        public var bumpedRevisionBy: UInt64?
        /// True exactly when the revision was bumped: the two flags go together.
        public var markedCompacted: Bool
    }

    init(
        archive: LocalArchive, target: String, member: RestoreMemberSettings, toolDirectory: String?
    ) {
        self.archive = archive
        self.target = URL(fileURLWithPath: target).standardizedFileURL.path
        self.member = member
        self.toolDirectory = toolDirectory
    }

    /// The directory the target is made in.
    var parentDirectory: String { URL(fileURLWithPath: target).deletingLastPathComponent().path }

    func run(console: Console) async throws(RestoreFailure) -> Result {
        let parent = parentDirectory
        try checkTarget(parent: parent)
        let tool = try await SnapshotTool.locate(in: toolDirectory)
        return try await ScratchDirectory.with(in: parent) { scratch throws(RestoreFailure) in
            let database = scratch.appending(SnapshotArchiver.databaseEntry)
            console.progress("verifying \(archive.path) and extracting its database…")
            let manifest = try await archive.verify(extractTo: database).manifest
            var member = member
            if member.initialClusterToken.isEmpty {
                member.initialClusterToken = RestoreMemberSettings.defaultToken(
                    clusterName: manifest.clusterName, dbSHA256: manifest.dbSHA256)
            }
            let restored = scratch.appending("data")
            console.progress("restoring member \(member.name) with \(tool)…")
            try await tool.restore(snapshot: database, member: member, dataDir: restored)
            try Task.checkInterrupted()
            try moveIntoPlace(restored, parent: parent)
            let bump = tool.restoreCommand.revisionBump(for: member.bumpRevision)
            return Result(
                dataDir: target, manifest: manifest, tool: tool, member: member,
                bumpedRevisionBy: bump, markedCompacted: bump != nil)
        }
    }

    /// Refuses a target that is a file or a non-empty directory, and a missing parent, before anything is made.
    func checkTarget(parent: String) throws(RestoreFailure) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw .parentMissing(path: target)
        }
        var info = stat()
        guard lstat(target, &info) == 0 else {
            guard errno == ENOENT else {
                throw .fileSystem(
                    operation: "inspect", path: target, reason: String(cString: strerror(errno)))
            }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .targetNotDirectory(path: target) }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: target).sorted() } catch
        {
            throw .fileSystem(operation: "list", path: target, reason: "\(error)")
        }
        guard entries.isEmpty else { throw .targetNotEmpty(path: target, entries: entries) }
    }

    /// Renames the restored directory to the target (absent, or an empty directory, which rename replaces).
    private func moveIntoPlace(_ restored: String, parent: String) throws(RestoreFailure) {
        guard rename(restored, target) == 0 else {
            let reason =
                errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR
                ? "it changed while the restore ran (\(String(cString: strerror(errno))))"
                : String(cString: strerror(errno))
            throw .fileSystem(
                operation: "move the restored data dir to", path: target, reason: reason)
        }
        let fd = open(parent, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `interrupted` once SIGINT/SIGTERM cancelled the command.
    static func checkInterrupted() throws(RestoreFailure) {
        if Task.isCancelled { throw .interrupted }
    }
}

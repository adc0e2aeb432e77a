import BackupArchive
import Foundation
import Logging
import TaskContract

#if canImport(Glibc)
    import Support
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Restores a member's data dir from a backup archive before etcd's first start (the first member of a cluster
/// restored after total loss): fetch the archive and check its SHA-256, verify it and extract `snapshot.db`,
/// then let etcd's own tool write the data dir.
///
/// The tool writes to `<data dir>.restoring`, which is renamed to the data dir only once the restore succeeded:
/// a data dir that exists is always complete, so a restarted executor never restores twice and never starts
/// etcd on half a restore. On failure nothing is left but the tool's log.
public struct MemberRestore: Sendable {
    public var source: EtcdTaskData.RestoreSource
    public var member: SnapshotRestoreTool.Member
    /// The etcd binary; the restore tool is looked for beside it.
    public var etcdBinary: String
    public var sandbox: String
    public var dataDirectory: String
    public var fetchTimeout: Duration
    public var toolTimeout: Duration
    /// The task's secret, presented when downloading the archive (see `RestoreArchiveFetcher`).
    public var secret: String?
    public var logger: Logger

    public init(
        source: EtcdTaskData.RestoreSource, member: SnapshotRestoreTool.Member, etcdBinary: String,
        sandbox: String,
        dataDirectory: String, fetchTimeout: Duration = .seconds(600),
        toolTimeout: Duration = .seconds(600), secret: String? = nil,
        logger: Logger
    ) {
        self.source = source
        self.member = member
        self.etcdBinary = etcdBinary
        self.sandbox = sandbox
        self.dataDirectory = dataDirectory
        self.fetchTimeout = fetchTimeout
        self.toolTimeout = toolTimeout
        self.secret = secret
        self.logger = logger
    }

    /// What a finished restore produced.
    public struct Restored: Sendable, Equatable {
        /// The backup's ID and the revision its manifest records.
        public var backupID: String
        public var revision: Int64
        public var tool: SnapshotRestoreTool.Kind
        /// True when the tool bumped the revision and marked it compacted.
        public var bumpedRevision: Bool

        public init(
            backupID: String, revision: Int64, tool: SnapshotRestoreTool.Kind, bumpedRevision: Bool
        ) {
            self.backupID = backupID
            self.revision = revision
            self.tool = tool
            self.bumpedRevision = bumpedRevision
        }
    }

    /// True when `dataDirectory` does not exist or is empty: only then is there something to restore. A data dir
    /// with anything in it belongs to a member that already ran (a restarted task) and is never overwritten.
    public static func isNeeded(dataDirectory: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)
        else {
            return !FileManager.default.fileExists(atPath: dataDirectory)
        }
        return entries.isEmpty
    }

    public var archivePath: String { sandbox + "/restore.tar.zst" }
    public var databasePath: String { sandbox + "/snapshot.db" }
    public var stagingDirectory: String { dataDirectory + ".restoring" }
    /// The restore tool's output.
    public var logPath: String { sandbox + "/restore.log" }

    /// Restores the data dir; throws `.stopped` when the task is cancelled on the way.
    public func run() async throws(MemberRestoreError) -> Restored {
        let clock = ContinuousClock()
        let started = clock.now
        removeLeftovers()
        var fetched: FetchedArchive?
        defer {
            unlink(databasePath)
            if let fetched, fetched.isDownloaded { unlink(fetched.path) }
        }
        do throws(MemberRestoreError) {
            let tool = try SnapshotRestoreTool.locate(nextTo: etcdBinary)
            logger.info(
                "restoring the member's data dir from a backup",
                metadata: [
                    "url": "\(source.shownURL)", "member": "\(member.name)",
                    "tool": "\(tool.executable)",
                ])
            let archive = try await RestoreArchiveFetcher(
                timeout: fetchTimeout, secret: secret, logger: logger
            )
            .fetch(source, to: archivePath, sandbox: sandbox)
            fetched = archive
            try checkNotStopped()
            let manifest = try await verifyAndExtract(archive)
            // snapshot.db holds all it had; freeing its space now keeps the peak at about twice the database.
            if archive.isDownloaded { unlink(archive.path) }
            try checkNotStopped()
            let bump = await tool.supportsRevisionBump(scratch: sandbox)
            let arguments = tool.restoreArguments(
                snapshot: databasePath, member: member, dataDirectory: stagingDirectory,
                bumpRevision: bump)
            logger.info(
                "running the restore tool", metadata: ["command": "\(tool.commandLine(arguments))"])
            try await tool.run(arguments, logPath: logPath, timeout: toolTimeout)
            try checkNotStopped()
            try publish()
            logger.info(
                "restored the member's data dir",
                metadata: [
                    "backup": "\(manifest.id)", "revision": "\(manifest.revision)",
                    "bumped_revision": "\(bump)",
                    "data_dir": "\(dataDirectory)", "seconds": "\(clock.now - started)",
                ])
            return Restored(
                backupID: manifest.id, revision: manifest.revision, tool: tool.kind,
                bumpedRevision: bump)
        } catch {
            // Cancellation can surface as any error from a cut-off step; it is still a stop.
            removeDirectory(stagingDirectory)
            throw Task.isCancelled ? .stopped : error
        }
    }

    private func checkNotStopped() throws(MemberRestoreError) {
        if Task.isCancelled { throw .stopped }
    }

    /// Checks the archive end to end and extracts `snapshot.db`; returns its manifest.
    private func verifyAndExtract(_ archive: FetchedArchive) async throws(MemberRestoreError)
        -> BackupManifest
    {
        let (path, database, url) = (archive.path, databasePath, source.shownURL)
        let databaseSize = source.databaseSize
        let started = ContinuousClock.now
        let result = await runBlocking { () -> Result<BackupVerification, MemberRestoreError> in
            do throws(BackupArchiveError) {
                return .success(
                    try BackupArchiveReader(path: path).verify(
                        extractDatabaseTo: database, databaseSize: databaseSize))
            } catch {
                return .failure(.invalidArchive(url: url, reason: error.description))
            }
        }
        let manifest = try result.get().manifest
        logger.info(
            "verified the backup archive",
            metadata: [
                "backup": "\(manifest.id)", "cluster": "\(manifest.clusterName)",
                "revision": "\(manifest.revision)",
                "etcd_version": "\(manifest.etcdVersion)", "db_bytes": "\(manifest.dbSize)",
                "seconds": "\(ContinuousClock.now - started)",
            ])
        return manifest
    }

    /// Moves the restored data dir into place (an empty data dir there is replaced) and makes the rename durable.
    private func publish() throws(MemberRestoreError) {
        if FileManager.default.fileExists(atPath: dataDirectory) { rmdir(dataDirectory) }
        guard rename(stagingDirectory, dataDirectory) == 0 else {
            throw .fileSystem(
                operation: "rename \(stagingDirectory) to", path: dataDirectory,
                reason: String(cString: strerror(errno)))
        }
        let directory = URL(fileURLWithPath: dataDirectory).deletingLastPathComponent().path
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// What an earlier, interrupted attempt may have left.
    private func removeLeftovers() {
        removeDirectory(stagingDirectory)
        unlink(databasePath)
        // A local archive is used where it is, even if it has the download's name: never remove it.
        guard RestoreArchiveFetcher.localPath(source.url, sandbox: sandbox) == nil else { return }
        unlink(archivePath)
        unlink(archivePath + ".partial")
    }

    private func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension MemberRestore {
    /// Runs the restore until it ends or `stops` yields (the task is being killed): then the restore is cancelled
    /// (its download aborted, its tool killed, its half-written data dir removed) and the result is `.stopped`.
    func run(until stops: AsyncStream<Void>) async -> Result<Restored, MemberRestoreError> {
        await withTaskGroup(of: Result<Restored, MemberRestoreError>?.self) { group in
            group.addTask {
                do throws(MemberRestoreError) {
                    return .success(try await run())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                for await _ in stops { return .failure(.stopped) }
                return nil
            }
            while let next = await group.next() {
                guard let result = next else { continue }
                group.cancelAll()
                return result
            }
            return .failure(.stopped)
        }
    }
}

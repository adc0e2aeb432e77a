import Foundation

#if canImport(Glibc)
    import Support
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a snapshot stream into a finished backup in a directory: the stream → etcd's hash check → tar → zstd →
/// a `.partial` body file; then the manifest's own frame and the body are copied into a `.partial` archive
/// (`ManifestFirstLayout`: the manifest comes first, so readers know `db_size` before the database) → fsync →
/// rename to `<id>.tar.zst` → fsync the directory → the `<id>.tar.zst.json` sidecar, written the same way.
/// Memory stays at a few MB whatever the snapshot's size.
///
/// On any failure (the stream breaks, the hash does not match, a write fails, the task is cancelled) the temp
/// files are removed and nothing new is left in the directory. A crash leaves at most `.partial` files, which
/// `BackupStore.prepare()` removes.
public struct SnapshotArchiver: Sendable {
    /// The backup directory; must exist.
    public var directory: String
    public var compression: BackupCompression
    /// Recorded in manifests, e.g. `etcd-mesos 0.1.0`.
    public var toolVersion: String

    /// The names of the two entries. The manifest comes first in the archive although it is written last (it holds
    /// the db's hash); archives written before it came first hold it after the database.
    public static let databaseEntry = ArchiveEntries.database
    public static let manifestEntry = ArchiveEntries.manifest

    public init(directory: String, compression: BackupCompression = .standard, toolVersion: String)
    {
        self.directory = directory
        self.compression = compression
        self.toolVersion = toolVersion
    }

    /// Writes `chunks` (the bytes `etcdctl snapshot save` would write: database, then etcd's SHA-256 of it) as a
    /// backup and returns its sidecar manifest.
    ///
    /// - Parameters:
    ///   - announcedSize: the stream's total size, known before its first byte (tar needs it up front).
    ///   - announce: called with the backup's ID once it is chosen, before streaming starts.
    ///   - progress: called after each chunk is written; the stream waits for it, so keep it quick.
    public func archive<Chunks: AsyncSequence>(
        _ chunks: Chunks,
        announcedSize: UInt64,
        from source: SnapshotSource,
        clusterName: String,
        clusterEpoch: Int,
        trigger: BackupTrigger? = nil,
        startedAt: Date = Date(),
        announce: (String) async -> Void = { _ in },
        progress: ((BackupProgress) async -> Void)? = nil,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> BackupManifest where Chunks.Element == Data {
        let clock = ContinuousClock()
        let began = clock.now
        let startedAt = BackupTimestamp.rounded(startedAt)
        let id = uniqueID(
            clusterName: clusterName, createdAt: startedAt, revision: source.status.revision)
        await announce(id)
        let endpoint = source.candidate.endpoint
        let temporary =
            "\(directory)/.\(id)\(BackupID.archiveSuffix).\(UUID().uuidString.prefix(8))"
        let body = temporary + ".body" + BackupID.partialSuffix
        let archive = temporary + BackupID.partialSuffix
        let bodyFD = try DurableFile.createExclusive(body, readable: true)
        var fd: Int32 = -1
        do {
            let (head, manifest) = try await writeArchive(
                chunks, to: bodyFD, path: body, announcedSize: announcedSize, endpoint: endpoint,
                progress: progress.map { report in
                    { received in
                        await report(
                            BackupProgress(
                                id: id, endpoint: endpoint, bytesReceived: received,
                                bytesTotal: announcedSize))
                    }
                },
                manifest: { dbSize, dbSHA256 in
                    BackupManifest(
                        id: id, clusterName: clusterName, clusterEpoch: clusterEpoch,
                        sourceMember: source.manifestMember, revision: source.status.revision,
                        raftIndex: source.status.raftIndex, raftTerm: source.status.raftTerm,
                        etcdVersion: source.status.version, dbSize: dbSize, dbSHA256: dbSHA256,
                        compressionLevel: compression.level, createdAt: startedAt,
                        durationSeconds: (clock.now - began).seconds, toolVersion: toolVersion,
                        trigger: trigger)
                })
            fd = try DurableFile.createExclusive(archive)
            let (size, sha256) = try await runBlocking { [fd] () throws(BackupError) in
                let assembled = try ManifestFirstLayout.assemble(
                    head: head, body: bodyFD, bodyPath: body, into: fd, path: archive)
                try DurableFile.sync(fd, path: archive)
                return assembled
            }
            close(bodyFD)
            unlink(body)
            close(fd)
            fd = -1
            return try publish(
                archive, manifest: manifest, archiveSize: size, archiveSHA256: sha256)
        } catch {
            if fd >= 0 { close(fd) }
            close(bodyFD)
            unlink(archive)
            unlink(body)
            throw error
        }
    }

    /// Streams the database entry and the tar's end into the body file; returns the manifest's head frame (see
    /// `ManifestFirstLayout`) and the manifest.
    private func writeArchive<Chunks: AsyncSequence>(
        _ chunks: Chunks, to fd: Int32, path: String, announcedSize: UInt64, endpoint: String,
        progress: ((UInt64) async -> Void)?,
        manifest makeManifest: (_ dbSize: UInt64, _ dbSHA256: String) -> BackupManifest,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> ([UInt8], BackupManifest) where Chunks.Element == Data {
        let writer = try TarZstdWriter(fileDescriptor: fd, path: path, compression: compression)
        let startedAt = Date()
        try writer.beginEntry(name: Self.databaseEntry, size: announcedSize, modified: startedAt)
        var verifier = SnapshotHashVerifier()
        do {
            for try await chunk in chunks {
                guard verifier.received + UInt64(chunk.count) <= announcedSize else {
                    throw BackupError.snapshotSizeMismatch(
                        endpoint: endpoint, announced: announcedSize,
                        received: verifier.received + UInt64(chunk.count))
                }
                try chunk.withBytes { (bytes) throws(BackupError) in
                    verifier.update(bytes)
                    try writer.write(bytes)
                }
                await progress?(verifier.received)
            }
        } catch let error as BackupError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw BackupError.streamFailed(endpoint: endpoint, reason: "\(error)")
        }
        try Task.checkCancellation()
        guard verifier.received == announcedSize else {
            throw BackupError.snapshotSizeMismatch(
                endpoint: endpoint, announced: announcedSize, received: verifier.received)
        }
        let (dbSize, dbSHA256) = try verifier.finish(endpoint: endpoint)
        _ = try writer.finish()
        let manifest = makeManifest(dbSize, dbSHA256)
        let head = try ManifestFirstLayout.head(
            manifest: try manifest.inArchive.encoded(), modified: startedAt,
            compression: compression)
        return (head, manifest)
    }

    /// Renames the finished temp file to its final name, then writes the sidecar; undoes the rename if the
    /// sidecar cannot be written, so a failure never leaves an archive behind.
    private func publish(
        _ temporary: String, manifest: BackupManifest, archiveSize: UInt64, archiveSHA256: String
    ) throws(BackupError) -> BackupManifest {
        var sidecar = manifest
        sidecar.archiveSize = archiveSize
        sidecar.archiveSHA256 = archiveSHA256
        let archivePath = "\(directory)/\(manifest.archiveFileName)"
        guard try DurableFile.moveNoReplace(temporary, to: archivePath) else {
            throw .fileSystem(
                operation: "rename \(temporary) to", path: archivePath,
                reason:
                    "a backup with that name appeared meanwhile (is another scheduler using this directory?)"
            )
        }
        do throws(BackupError) {
            try DurableFile.syncDirectory(directory)
            let encoded: Data
            do { encoded = try sidecar.encoded() } catch {
                throw .fileSystem(
                    operation: "encode the manifest for", path: archivePath, reason: "\(error)")
            }
            try DurableFile.writeAtomically(encoded, to: archivePath + ".json")
            // What the sidecar says, exactly as anyone reading it later gets it (times at millisecond precision).
            return (try? BackupManifest.decode(encoded)) ?? sidecar
        } catch {
            unlink(archivePath)
            try? DurableFile.syncDirectory(directory)
            throw error
        }
    }

    /// `<cluster>-<time>-r<revision>`, with `-2`, `-3`, … when a backup of the same second and revision exists.
    private func uniqueID(clusterName: String, createdAt: Date, revision: Int64) -> String {
        var collision = 1
        while true {
            let id = BackupID.make(
                clusterName: clusterName, createdAt: createdAt, revision: revision,
                collision: collision)
            let base = "\(directory)/\(id)"
            if access(base + BackupID.archiveSuffix, F_OK) != 0
                && access(base + BackupID.sidecarSuffix, F_OK) != 0
            {
                return id
            }
            collision += 1
        }
    }
}

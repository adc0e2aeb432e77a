import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one reader of backup archives (the restore CLI, the scheduler's start-up scan and restore, the executor's
/// restore all go through it). It verifies in a single pass: zstd integrity (frame checksums, no truncation), a
/// strict tar (`TarStreamReader`: only `manifest.json` then `snapshot.db`, regular files, each once, nothing
/// after the end), etcd's SHA-256 of the database, the manifest inside against the database and against the
/// sidecar (including the file's own size and SHA-256), and optionally the cluster it belongs to. It can extract
/// `snapshot.db` on the way, exactly as `etcdctl snapshot save` would have written it.
///
/// Hostile input costs little: the manifest is read first and its `db_size` (refused when negative, above
/// 1 TiB, or more than the file could expand to) caps what is decompressed and written, so a zstd bomb is
/// refused at its first headers and nothing is left at the destination.
///
/// It blocks while it reads (about a second per 200 MB of database); call it off the cooperative pool in servers.
public struct BackupArchiveReader: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Verifies the archive; throws `BackupArchiveError` naming the first problem found.
    ///
    /// - Parameters:
    ///   - sidecar: the `<archive>.json` manifest, whose archive size and hash the file must match.
    ///   - expectedCluster: refuse an archive of another cluster (restoring into the wrong cluster is worse than none).
    ///   - extractDatabaseTo: write `snapshot.db` here (not overwriting an existing file); nothing is left there
    ///     if verification fails.
    ///   - databaseSize: the `db_size` the caller knows from the backup's sidecar without holding the sidecar
    ///     (an executor, told by the scheduler); the manifest must agree, and it lets an archive whose database
    ///     comes before its manifest be read.
    public func verify(
        against sidecar: BackupManifest? = nil,
        expectedCluster: String? = nil,
        extractDatabaseTo destination: String? = nil,
        databaseSize: UInt64? = nil
    ) throws(BackupArchiveError) -> BackupVerification {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        let fileSize = UInt64(info.st_size)
        guard fileSize > 0 else { throw .empty(path: path) }
        if let expected = sidecar?.archiveSize, fileSize < expected {
            throw .truncated(
                path: path, reason: "it has \(fileSize) bytes, its manifest says \(expected)")
        }
        if let sidecar, let databaseSize {
            try expectEqual("db_size", "\(sidecar.dbSize)", "\(databaseSize)")
        }
        let knownDatabaseSize = sidecar?.dbSize ?? databaseSize
        if let knownDatabaseSize {
            try DatabaseSizeLimit.check(
                knownDatabaseSize, archiveSize: fileSize, path: path,
                source: sidecar == nil ? "the scheduler" : "its sidecar")
        }

        let extraction = try destination.map { destination throws(BackupArchiveError) in
            try ExtractionFile(destination: destination)
        }
        do throws(BackupArchiveError) {
            let input = try ZstdDecompressingInput(fileDescriptor: fd, path: path)
            let contents = try TarStreamReader(input: input, archiveSize: fileSize).read(
                extractingTo: extraction, knownDatabaseSize: knownDatabaseSize
            ) { (manifest) throws(BackupArchiveError) in
                do throws(BackupArchiveError) {
                    try checkManifest(
                        manifest, sidecar: sidecar, databaseSize: databaseSize,
                        expectedCluster: expectedCluster)
                } catch {
                    // An archive that is not the one its sidecar describes: say so with both hashes.
                    if case .manifestMismatch = error, let expected = sidecar?.archiveSHA256,
                        let actual = Self.sha256(of: fd), actual != expected
                    {
                        throw .archiveHashMismatch(path: path, expected: expected, actual: actual)
                    }
                    throw error
                }
            }
            let verification = try check(
                contents, archiveSize: input.bytesRead, archiveSHA256: input.finalHash(),
                sidecar: sidecar)
            try extraction?.commit()
            return BackupVerification(
                manifest: verification, extractedDatabase: extraction?.destination)
        } catch {
            extraction?.discard()
            throw error
        }
    }

    /// What can be checked as soon as the manifest is read: before the database when it comes first.
    private func checkManifest(
        _ manifest: BackupManifest, sidecar: BackupManifest?, databaseSize: UInt64?,
        expectedCluster: String?
    ) throws(BackupArchiveError) {
        guard manifest.formatVersion <= BackupManifest.currentFormatVersion else {
            throw .unsupportedFormat(path: path, version: manifest.formatVersion)
        }
        if let sidecar {
            try expectEqual("id", sidecar.id, manifest.id)
            try expectEqual("cluster_name", sidecar.clusterName, manifest.clusterName)
            try expectEqual("cluster_epoch", "\(sidecar.clusterEpoch)", "\(manifest.clusterEpoch)")
            try expectEqual("revision", "\(sidecar.revision)", "\(manifest.revision)")
            try expectEqual("db_sha256", sidecar.dbSHA256, manifest.dbSHA256)
            try expectEqual("db_size", "\(sidecar.dbSize)", "\(manifest.dbSize)")
        }
        if let databaseSize {
            try expectEqual("db_size", "\(databaseSize)", "\(manifest.dbSize)")
        }
        if let expectedCluster, manifest.clusterName != expectedCluster {
            throw .wrongCluster(path: path, expected: expectedCluster, found: manifest.clusterName)
        }
    }

    /// Compares what the archive holds with what its manifests claim.
    private func check(
        _ contents: TarStreamReader.Contents, archiveSize: UInt64, archiveSHA256: String,
        sidecar: BackupManifest?
    ) throws(BackupArchiveError) -> BackupManifest {
        guard let database = contents.database else {
            throw .missingEntry(path: path, entry: ArchiveEntries.database)
        }
        guard var manifest = contents.manifest else {
            throw .missingEntry(path: path, entry: ArchiveEntries.manifest)
        }
        try expectEqual("db_sha256", manifest.dbSHA256, database.sha256)
        try expectEqual("db_size", "\(manifest.dbSize)", "\(database.size)")
        if let sidecar {
            if let expected = sidecar.archiveSHA256, expected != archiveSHA256 {
                throw .archiveHashMismatch(path: path, expected: expected, actual: archiveSHA256)
            }
            try expectEqual(
                "archive_size", sidecar.archiveSize.map { "\($0)" } ?? "\(archiveSize)",
                "\(archiveSize)")
        }
        manifest.archiveSize = archiveSize
        manifest.archiveSHA256 = archiveSHA256
        return manifest
    }

    /// The hex SHA-256 of the whole file behind `fd` (read with `pread`, leaving the reader's offset alone); nil
    /// when it cannot be read.
    private static func sha256(of fd: Int32) -> String? {
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: off_t = 0
        while true {
            let count = pread(fd, buffer.baseAddress, buffer.count, offset)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return Array(hasher.finalize()).hexString }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += off_t(count)
        }
    }

    private func expectEqual(_ field: String, _ expected: String, _ found: String)
        throws(BackupArchiveError)
    {
        guard expected == found else {
            throw .manifestMismatch(path: path, field: field, expected: expected, found: found)
        }
    }
}

/// What a verified archive holds.
public struct BackupVerification: Sendable, Hashable {
    /// The manifest inside the archive, with the archive's measured size and SHA-256 filled in.
    public var manifest: BackupManifest
    /// Where `snapshot.db` was extracted, if asked to.
    public var extractedDatabase: String?
}

import CArchive
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and verifies one backup archive in a single pass: zstd integrity (frame checksum, no truncation), tar
/// integrity, etcd's SHA-256 of the database, the manifest inside against the database and against the sidecar
/// (including the file's own size and SHA-256), and optionally the cluster it belongs to. It can extract
/// `snapshot.db` on the way, exactly as `etcdctl snapshot save` would have written it.
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
    public func verify(
        against sidecar: BackupManifest? = nil,
        expectedCluster: String? = nil,
        extractDatabaseTo destination: String? = nil
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

        let extraction = try destination.map { destination throws(BackupArchiveError) in
            try ExtractionFile(destination: destination)
        }
        do throws(BackupArchiveError) {
            let input = try ZstdDecompressingInput(fileDescriptor: fd, path: path)
            let contents = try TarEntriesReader(input: input).read(extractingTo: extraction)
            try input.drain()
            let verification = try check(
                contents, archiveSize: input.bytesRead, archiveSHA256: input.finalHash(),
                sidecar: sidecar,
                expectedCluster: expectedCluster)
            try extraction?.commit()
            return BackupVerification(
                manifest: verification, extractedDatabase: extraction?.destination)
        } catch {
            extraction?.discard()
            throw error
        }
    }

    /// Compares what the archive holds with what its manifests claim.
    private func check(
        _ contents: TarEntriesReader.Contents, archiveSize: UInt64, archiveSHA256: String,
        sidecar: BackupManifest?, expectedCluster: String?
    ) throws(BackupArchiveError) -> BackupManifest {
        guard let database = contents.database else {
            throw .missingEntry(path: path, entry: SnapshotArchiver.databaseEntry)
        }
        guard let manifestData = contents.manifest else {
            throw .missingEntry(path: path, entry: SnapshotArchiver.manifestEntry)
        }
        var manifest: BackupManifest
        do { manifest = try BackupManifest.decode(manifestData) } catch {
            throw .unreadableManifest(path: path, reason: "\(error)")
        }
        guard manifest.formatVersion <= BackupManifest.currentFormatVersion else {
            throw .unsupportedFormat(path: path, version: manifest.formatVersion)
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
            try expectEqual("id", sidecar.id, manifest.id)
            try expectEqual("cluster_name", sidecar.clusterName, manifest.clusterName)
            try expectEqual("cluster_epoch", "\(sidecar.clusterEpoch)", "\(manifest.clusterEpoch)")
            try expectEqual("revision", "\(sidecar.revision)", "\(manifest.revision)")
            try expectEqual("db_sha256", sidecar.dbSHA256, manifest.dbSHA256)
        }
        if let expectedCluster, manifest.clusterName != expectedCluster {
            throw .wrongCluster(path: path, expected: expectedCluster, found: manifest.clusterName)
        }
        manifest.archiveSize = archiveSize
        manifest.archiveSHA256 = archiveSHA256
        return manifest
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

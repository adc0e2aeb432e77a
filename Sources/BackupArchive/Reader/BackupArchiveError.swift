/// Why a backup archive cannot be trusted or read. Every case names the archive's path.
public enum BackupArchiveError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotOpen(path: String, reason: String)
    /// The file has no bytes at all.
    case empty(path: String)
    /// The file is not a zstd-compressed tar (wrong magic, or a zstd file without a tar inside).
    case notAnArchive(path: String, reason: String)
    /// The file ends before its compressed stream or its tar does: a partial copy or an interrupted write.
    case truncated(path: String, reason: String)
    /// The compressed stream or the tar inside is damaged.
    case corrupt(path: String, reason: String)
    /// A required entry (`snapshot.db`, `manifest.json`) is missing.
    case missingEntry(path: String, entry: String)
    /// `snapshot.db`'s trailing SHA-256 does not match its database.
    case databaseHashMismatch(path: String, expected: String, actual: String)
    /// The file's SHA-256 differs from the one its sidecar manifest recorded.
    case archiveHashMismatch(path: String, expected: String, actual: String)
    /// The manifest inside disagrees with the sidecar or with the database it describes.
    case manifestMismatch(path: String, field: String, expected: String, found: String)
    /// The manifest cannot be decoded.
    case unreadableManifest(path: String, reason: String)
    /// The archive was written by a newer format than this program reads.
    case unsupportedFormat(path: String, version: Int)
    /// The archive belongs to another cluster than the one being restored.
    case wrongCluster(path: String, expected: String, found: String)
    /// Writing the extracted database failed.
    case extractionFailed(destination: String, reason: String)
    /// An entry other than `manifest.json` and `snapshot.db`.
    case unexpectedEntry(path: String, entry: String)
    /// An entry that is no regular file: a hard or symbolic link, a directory, a device, a FIFO, ….
    case notARegularFile(path: String, entry: String, kind: String)
    /// An entry that appears twice.
    case duplicateEntry(path: String, entry: String)
    /// Bytes (or zstd frames) after the tar's end marker.
    case trailingData(path: String, reason: String)
    /// A `db_size` no real backup has: negative, above the absolute cap, or more than the file could expand to.
    case implausibleDatabaseSize(path: String, claimed: String, source: String, reason: String)
    /// An entry's tar header declares another size than the manifest allows.
    case entrySizeMismatch(path: String, entry: String, declared: UInt64, expected: UInt64)
    /// An entry larger than this program ever writes (the manifest, a pax header).
    case oversizedEntry(path: String, entry: String, size: UInt64, limit: UInt64)
    /// `snapshot.db` comes before `manifest.json` (archives written before the manifest came first) and no
    /// sidecar says how big it may be.
    case databaseBeforeManifest(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open backup archive \(path): \(reason)"
        case .empty(let path): return "backup archive \(path) is empty (0 bytes)"
        case .notAnArchive(let path, let reason):
            return "\(path) is not a backup archive (a zstd-compressed tar): \(reason)"
        case .truncated(let path, let reason):
            return "backup archive \(path) is truncated: \(reason)"
        case .corrupt(let path, let reason): return "backup archive \(path) is corrupt: \(reason)"
        case .missingEntry(let path, let entry): return "backup archive \(path) has no \(entry)"
        case .databaseHashMismatch(let path, let expected, let actual):
            return "the database in backup archive \(path) is damaged: its SHA-256 is \(actual), "
                + "but the snapshot's trailer says \(expected)"
        case .archiveHashMismatch(let path, let expected, let actual):
            return "backup archive \(path) changed since it was written: its SHA-256 is \(actual), "
                + "its manifest says \(expected)"
        case .manifestMismatch(let path, let field, let expected, let found):
            return
                "backup archive \(path) does not match its manifest: \(field) is \(found), expected \(expected)"
        case .unreadableManifest(let path, let reason):
            return "the manifest of backup archive \(path) is unreadable: \(reason)"
        case .unsupportedFormat(let path, let version):
            return "backup archive \(path) has format version \(version); this program reads up to "
                + "\(BackupManifest.currentFormatVersion)"
        case .wrongCluster(let path, let expected, let found):
            return "backup archive \(path) belongs to cluster \"\(found)\", not \"\(expected)\""
        case .extractionFailed(let destination, let reason):
            return "cannot extract the database to \(destination): \(reason)"
        case .unexpectedEntry(let path, let entry):
            return
                "backup archive \(path) holds an unexpected entry \"\(entry)\"; an archive holds only "
                + "\(ArchiveEntries.manifest) and \(ArchiveEntries.database)"
        case .notARegularFile(let path, let entry, let kind):
            return
                "backup archive \(path) holds \"\(entry)\" as \(kind); an archive holds only regular files"
        case .duplicateEntry(let path, let entry):
            return "backup archive \(path) holds \(entry) twice; a backup has exactly one"
        case .trailingData(let path, let reason):
            return "backup archive \(path) has trailing data after its end: \(reason)"
        case .implausibleDatabaseSize(let path, let claimed, let source, let reason):
            return
                "backup archive \(path) is refused: \(source) says db_size \(claimed), which \(reason)"
        case .entrySizeMismatch(let path, let entry, let declared, let expected):
            return
                "backup archive \(path) is refused: the tar header of \(entry) declares \(declared) bytes, "
                + "its manifest allows exactly \(expected)"
        case .oversizedEntry(let path, let entry, let size, let limit):
            return
                "backup archive \(path) is refused: \(entry) claims \(size) bytes, more than the \(limit) "
                + "this program reads"
        case .databaseBeforeManifest(let path):
            return "backup archive \(path) puts \(ArchiveEntries.database) before "
                + "\(ArchiveEntries.manifest) (written before the manifest came first), so its size "
                + "cannot be checked before it is read; keep its sidecar \(path).json beside it"
        }
    }
}

import CArchive
import Foundation

/// Walks the tar inside a backup archive with libarchive, fed by a `ZstdDecompressingInput`: streams
/// `snapshot.db` through etcd's hash check (and into an extraction file), reads `manifest.json`, skips the rest.
final class TarEntriesReader {
    /// What the tar held.
    struct Contents {
        var database: (size: UInt64, sha256: String)?
        var manifest: Data?
    }

    static let maximumManifestSize: Int64 = 1 << 20

    private let input: ZstdDecompressingInput
    private var path: String { input.path }

    init(input: ZstdDecompressingInput) {
        self.input = input
    }

    func read(extractingTo extraction: ExtractionFile?) throws(BackupArchiveError) -> Contents {
        guard let archive = archive_read_new() else {
            throw .corrupt(path: path, reason: "cannot allocate libarchive")
        }
        defer { archive_read_free(archive) }
        archive_read_support_format_tar(archive)
        let client = Unmanaged.passUnretained(input).toOpaque()
        let opened = archive_read_open(
            archive, client, nil,
            { _, client, buffer in
                let input = Unmanaged<ZstdDecompressingInput>.fromOpaque(client!)
                    .takeUnretainedValue()
                do throws(BackupArchiveError) {
                    guard let bytes = try input.next() else { return 0 }
                    buffer?.pointee = bytes.baseAddress
                    return la_ssize_t(bytes.count)
                } catch {
                    return -1  // the input keeps the error for `failure(…)`
                }
            }, nil)
        try check(opened, archive, "open the tar")

        var contents = Contents()
        var entry: OpaquePointer?
        while true {
            let result = archive_read_next_header(archive, &entry)
            if result == ARCHIVE_EOF { break }
            try check(result, archive, "read the next tar header")
            guard let entry else { continue }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            switch name {
            case SnapshotArchiver.databaseEntry:
                contents.database = try readDatabase(
                    archive, size: archive_entry_size(entry), into: extraction)
            case SnapshotArchiver.manifestEntry:
                contents.manifest = try readManifest(archive, size: archive_entry_size(entry))
            default:
                try check(archive_read_data_skip(archive), archive, "skip \(name)")
            }
        }
        if contents.database == nil && contents.manifest == nil && input.bytesRead > 0 {
            // A zstd file whose content is no tar at all ends up here with libarchive seeing no entries.
            if archive_file_count(archive) == 0 {
                throw .notAnArchive(path: path, reason: "the compressed data holds no tar entries")
            }
        }
        return contents
    }

    private func readDatabase(
        _ archive: OpaquePointer, size: la_int64_t, into extraction: ExtractionFile?
    ) throws(BackupArchiveError) -> (UInt64, String) {
        var verifier = SnapshotHashVerifier()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
            if count == 0 { break }
            if count < 0 {
                try check(Int32(ARCHIVE_FATAL), archive, "read \(SnapshotArchiver.databaseEntry)")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            verifier.update(bytes)
            try extraction?.write(bytes)
        }
        guard verifier.received == UInt64(size) else {
            throw .truncated(
                path: path,
                reason:
                    "\(SnapshotArchiver.databaseEntry) has \(verifier.received) of \(size) bytes")
        }
        do {
            return try verifier.finish(endpoint: path)
        } catch {
            switch error {
            case .snapshotHashMismatch(_, let trailer, let computed):
                throw .databaseHashMismatch(path: path, expected: trailer, actual: computed)
            default:
                throw .corrupt(path: path, reason: "\(error)")
            }
        }
    }

    private func readManifest(_ archive: OpaquePointer, size: la_int64_t) throws(BackupArchiveError)
        -> Data
    {
        guard size >= 0, size <= Self.maximumManifestSize else {
            throw .corrupt(
                path: path, reason: "\(SnapshotArchiver.manifestEntry) claims \(size) bytes")
        }
        var data = Data(count: Int(size))
        var total = 0
        while total < Int(size) {
            let count = data.withUnsafeMutableBytes { bytes in
                archive_read_data(archive, bytes.baseAddress! + total, bytes.count - total)
            }
            if count < 0 {
                try check(Int32(ARCHIVE_FATAL), archive, "read \(SnapshotArchiver.manifestEntry)")
            }
            if count <= 0 { break }
            total += count
        }
        guard total == Int(size) else {
            throw .truncated(
                path: path,
                reason: "\(SnapshotArchiver.manifestEntry) has \(total) of \(size) bytes")
        }
        return data
    }

    /// Turns a libarchive failure into the input's own error (truncation, zstd damage) or a tar error.
    private func check(_ result: Int32, _ archive: OpaquePointer, _ operation: String)
        throws(BackupArchiveError)
    {
        guard result < ARCHIVE_WARN else { return }
        if let failure = input.failure { throw failure }
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        if detail.localizedCaseInsensitiveContains("truncated") {
            throw .truncated(path: path, reason: "tar: \(detail)")
        }
        if input.bytesRead > 0 && archive_file_count(archive) == 0 {
            throw .notAnArchive(path: path, reason: "the compressed data is not a tar: \(detail)")
        }
        throw .corrupt(path: path, reason: "cannot \(operation): \(detail)")
    }
}

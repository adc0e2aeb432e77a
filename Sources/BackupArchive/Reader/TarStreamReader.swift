import Foundation

/// Walks the tar inside a backup archive, strictly: exactly one `manifest.json` (at most 64 KiB, read first) and
/// one `snapshot.db` (exactly the manifest's `db_size` plus etcd's 32-byte trailer, streamed through etcd's hash
/// check and into the extraction file), both regular files, then the end marker and nothing after it but the
/// zero padding of its zstd frame. Anything else is refused with a typed error before more of it is read.
///
/// Archives written before the manifest came first hold `snapshot.db` first; those are read only when the caller
/// already knows `db_size` (from the sidecar), which then caps the database the same way.
package final class TarStreamReader {
    /// What the tar held.
    package struct Contents {
        var database: (size: UInt64, sha256: String)?
        var manifest: BackupManifest?
    }

    package static let maximumManifestSize: UInt64 = 64 * 1024
    package static let maximumPaxHeaderSize: UInt64 = 64 * 1024
    /// Zero bytes allowed after the end marker: what pads a tar to its 10 KiB record.
    package static let maximumTrailingZeros: UInt64 = 10 * 1024

    private let source: TarByteSource
    private let archiveSize: UInt64
    private var path: String { source.path }

    /// - Parameter archiveSize: the compressed file's size, which bounds the `db_size` it can claim.
    package init(input: ZstdDecompressingInput, archiveSize: UInt64) {
        source = TarByteSource(input: input)
        self.archiveSize = archiveSize
    }

    /// Reads the tar to its end and what follows to the end of the file.
    ///
    /// - Parameters:
    ///   - knownDatabaseSize: `db_size` from elsewhere (a sidecar), checked by the caller; allows a database
    ///     that comes before the manifest.
    ///   - checkManifest: called as soon as the manifest is decoded, before the database is read (when it
    ///     comes first), to refuse an archive of the wrong backup or cluster before anything is written.
    package func read(
        extractingTo extraction: ExtractionFile?, knownDatabaseSize: UInt64?,
        checkManifest: (BackupManifest) throws(BackupArchiveError) -> Void
    ) throws(BackupArchiveError) -> Contents {
        var contents = Contents()
        var seen: Set<String> = []
        var pending: [String: String]?
        while true {
            guard var header = try nextHeader(first: seen.isEmpty && pending == nil) else {
                guard pending == nil else {
                    throw .corrupt(path: path, reason: "a pax header is followed by the tar's end")
                }
                break
            }
            if header.isPaxExtension {
                guard pending == nil else {
                    throw .corrupt(path: path, reason: "two pax headers follow each other")
                }
                pending = try paxRecords(size: header.size)
                continue
            }
            if let records = pending {
                if let name = records["path"] { header.name = name }
                if let size = records["size"] {
                    guard let value = UInt64(size) else {
                        throw .corrupt(path: path, reason: "a pax size record holds \"\(size)\"")
                    }
                    header.size = value
                }
                pending = nil
            }
            guard header.isRegularFile else {
                throw .notARegularFile(path: path, entry: header.name, kind: header.kindDescription)
            }
            guard
                header.name == ArchiveEntries.manifest
                    || header.name == ArchiveEntries.database
            else { throw .unexpectedEntry(path: path, entry: header.name) }
            guard seen.insert(header.name).inserted else {
                throw .duplicateEntry(path: path, entry: header.name)
            }
            if header.name == ArchiveEntries.manifest {
                let manifest = try readManifest(size: header.size)
                try checkManifest(manifest)
                contents.manifest = manifest
            } else {
                let allowed = contents.manifest?.dbSize ?? knownDatabaseSize
                guard let allowed else { throw .databaseBeforeManifest(path: path) }
                contents.database = try readDatabase(
                    declared: header.size,
                    expected: allowed + UInt64(SnapshotHashVerifier.trailerSize),
                    into: extraction)
            }
        }
        try readToEnd()
        return contents
    }

    /// The next header, or nil at the end marker (two zero blocks).
    private func nextHeader(first: Bool) throws(BackupArchiveError) -> TarHeader? {
        let block: [UInt8]
        do throws(BackupArchiveError) {
            block = try source.read(TarHeader.blockSize, "a tar header")
        } catch {
            if first, case .truncated = error, source.input.failure == nil,
                source.consumed < UInt64(TarHeader.blockSize)
            {
                throw .notAnArchive(
                    path: path, reason: "the compressed data is too short for a tar")
            }
            throw error
        }
        let header: TarHeader?
        do throws(TarFormatError) {
            header = try TarHeader.decode(block)
        } catch {
            if first {
                throw .notAnArchive(
                    path: path, reason: "the compressed data is not a tar: \(error.reason)")
            }
            throw .corrupt(
                path: path, reason: "tar header at byte \(source.consumed - 512): \(error.reason)")
        }
        if header == nil {
            let second = try source.read(TarHeader.blockSize, "the tar's end marker")
            guard second.allSatisfy({ $0 == 0 }) else {
                throw .corrupt(
                    path: path, reason: "a zero block inside the tar is not followed by another")
            }
        }
        return header
    }

    /// The records of a pax extended header: `<length> <key>=<value>\n`, each.
    private func paxRecords(size: UInt64) throws(BackupArchiveError) -> [String: String] {
        guard size <= Self.maximumPaxHeaderSize else {
            throw .oversizedEntry(
                path: path, entry: "a pax header", size: size, limit: Self.maximumPaxHeaderSize)
        }
        let bytes = try source.read(Int(size), "a pax header")
        try source.skipPadding(after: size, of: "a pax header")
        var records: [String: String] = [:]
        var rest = bytes[...]
        while !rest.isEmpty {
            let digits = rest.prefix { $0 != UInt8(ascii: " ") }
            guard let length = Int(String(decoding: digits, as: UTF8.self)),
                length > digits.count + 1,
                length <= rest.count, rest[rest.startIndex + length - 1] == UInt8(ascii: "\n")
            else { throw .corrupt(path: path, reason: "a pax header holds a malformed record") }
            let record = rest[(rest.startIndex + digits.count + 1)..<(rest.startIndex + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw .corrupt(path: path, reason: "a pax record has no \"=\"")
            }
            let key = String(decoding: record[..<equals], as: UTF8.self)
            records[key] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            rest = rest.dropFirst(length)
        }
        return records
    }

    /// Reads and decodes `manifest.json`, refusing an implausible `db_size` before anything else happens.
    private func readManifest(size: UInt64) throws(BackupArchiveError) -> BackupManifest {
        let entry = ArchiveEntries.manifest
        guard size <= Self.maximumManifestSize else {
            throw .oversizedEntry(
                path: path, entry: entry, size: size, limit: Self.maximumManifestSize)
        }
        let bytes = try source.read(Int(size), entry)
        try source.skipPadding(after: size, of: entry)
        try DatabaseSizeLimit.checkSign(ofManifest: bytes, path: path, source: "its manifest")
        let manifest: BackupManifest
        do { manifest = try BackupManifest.decode(Data(bytes)) } catch {
            throw .unreadableManifest(path: path, reason: "\(error)")
        }
        try DatabaseSizeLimit.check(
            manifest.dbSize, archiveSize: archiveSize, path: path, source: "its manifest")
        return manifest
    }

    /// Streams `snapshot.db` through etcd's hash check (and into `extraction`); its header must declare exactly
    /// `expected` bytes, so no more than that is ever decompressed or written.
    private func readDatabase(
        declared: UInt64, expected: UInt64, into extraction: ExtractionFile?
    ) throws(BackupArchiveError) -> (UInt64, String) {
        let entry = ArchiveEntries.database
        guard declared == expected else {
            throw .entrySizeMismatch(
                path: path, entry: entry, declared: declared, expected: expected)
        }
        var verifier = SnapshotHashVerifier()
        try source.stream(declared, entry) { (bytes) throws(BackupArchiveError) in
            verifier.update(bytes)
            try extraction?.write(bytes)
        }
        try source.skipPadding(after: declared, of: entry)
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

    /// After the end marker: at most the zero padding of a tar record, in the zstd frame that holds the end,
    /// then the end of the file.
    private func readToEnd() throws(BackupArchiveError) {
        let input = source.input
        let endFrame = input.framesCompleted + (input.bytesSinceFrameEnd > 0 ? 1 : 0)
        var trailing: UInt64 = 0
        do throws(BackupArchiveError) {
            while let piece = try source.next(upTo: 64 * 1024) {
                guard piece.allSatisfy({ $0 == 0 }) else {
                    throw .trailingData(
                        path: path, reason: "bytes that are not zero follow the tar's end marker")
                }
                trailing += UInt64(piece.count)
                guard trailing <= Self.maximumTrailingZeros else {
                    throw .trailingData(
                        path: path,
                        reason:
                            "more than \(Self.maximumTrailingZeros) bytes follow the tar's end marker"
                    )
                }
            }
        } catch {
            if case .trailingData = error { throw error }
            // A failure in a frame that began after the tar had ended is data after the archive, not damage to it.
            if input.framesCompleted >= endFrame && input.bytesSinceFrameEnd == 0 {
                throw .trailingData(
                    path: path,
                    reason:
                        "the file goes on after byte \(input.lastFrameEnd), where the archive's last "
                        + "zstd frame ends (\(error))")
            }
            throw error
        }
        guard input.framesCompleted == endFrame else {
            throw .trailingData(
                path: path,
                reason:
                    "\(input.framesCompleted - endFrame) more zstd frame(s) follow the frame that ends "
                    + "the tar")
        }
    }
}

import Foundation

/// The decompressed bytes of an archive, taken in exact amounts: the tar reader asks for a header, a manifest,
/// or the next piece of the database, and never gets (or makes zstd produce) more than one output buffer
/// beyond what it asked for.
package final class TarByteSource {
    package let input: ZstdDecompressingInput
    private var chunk = UnsafeRawBufferPointer(start: nil, count: 0)
    private var position = 0
    /// Decompressed bytes taken so far.
    private(set) var consumed: UInt64 = 0

    package var path: String { input.path }

    package init(input: ZstdDecompressingInput) {
        self.input = input
    }

    /// Up to `limit` bytes, valid until the next call; nil at the end of the decompressed stream.
    package func next(upTo limit: Int) throws(BackupArchiveError) -> UnsafeRawBufferPointer? {
        if position == chunk.count {
            guard let fresh = try input.next() else { return nil }
            chunk = fresh
            position = 0
        }
        let count = min(limit, chunk.count - position)
        let piece = UnsafeRawBufferPointer(rebasing: chunk[position..<(position + count)])
        position += count
        consumed += UInt64(count)
        return piece
    }

    /// Exactly `count` bytes (`count` is small: a header, the manifest); `what` names them if the stream ends first.
    package func read(_ count: Int, _ what: @autoclosure () -> String) throws(BackupArchiveError)
        -> [UInt8]
    {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            guard let piece = try next(upTo: count - bytes.count) else {
                throw .truncated(
                    path: path,
                    reason: "the archive ends inside \(what()) (\(bytes.count) of \(count) bytes)")
            }
            bytes.append(contentsOf: piece)
        }
        return bytes
    }

    /// Hands exactly `count` bytes to `body`, piece by piece.
    package func stream(
        _ count: UInt64, _ what: @autoclosure () -> String,
        into body: (UnsafeRawBufferPointer) throws(BackupArchiveError) -> Void
    ) throws(BackupArchiveError) {
        var remaining = count
        while remaining > 0 {
            guard let piece = try next(upTo: Int(min(remaining, 1 << 20))) else {
                throw .truncated(
                    path: path,
                    reason:
                        "the archive ends inside \(what()) (\(count - remaining) of \(count) bytes)"
                )
            }
            try body(piece)
            remaining -= UInt64(piece.count)
        }
    }

    /// Skips the zero padding that rounds an entry of `size` bytes up to whole 512-byte blocks.
    package func skipPadding(after size: UInt64, of entry: String) throws(BackupArchiveError) {
        let block = UInt64(TarHeader.blockSize)
        let padding = Int((block - size % block) % block)
        guard padding > 0 else { return }
        let bytes = try read(padding, "the padding after \(entry)")
        guard bytes.allSatisfy({ $0 == 0 }) else {
            throw .corrupt(path: path, reason: "the padding after \(entry) is not zero")
        }
    }
}

/// How big a database an archive may claim, checked before a byte of it is read.
package enum DatabaseSizeLimit {
    /// No etcd database comes near this (etcd's own quota tops out at 8 GiB by default).
    package static let absoluteMaximum: UInt64 = 1 << 40
    /// zstd turns no compressed byte into more than this: its densest block, RLE, is 4 bytes for 128 KiB.
    package static let maximumExpansion: UInt64 = 32_768

    /// Throws unless a database of `dbSize` bytes (plus etcd's 32-byte trailer) could be in a file of
    /// `archiveSize` compressed bytes; `source` names who claims it ("its manifest", "its sidecar").
    package static func check(_ dbSize: UInt64, archiveSize: UInt64, path: String, source: String)
        throws(BackupArchiveError)
    {
        let claimed = "\(dbSize)"
        guard dbSize <= absoluteMaximum else {
            throw .implausibleDatabaseSize(
                path: path, claimed: claimed, source: source,
                reason: "is more than the \(absoluteMaximum) bytes (1 TiB) any backup may hold")
        }
        let (capacity, overflow) = archiveSize.multipliedReportingOverflow(by: maximumExpansion)
        guard overflow || dbSize + UInt64(SnapshotHashVerifier.trailerSize) <= capacity else {
            throw .implausibleDatabaseSize(
                path: path, claimed: claimed, source: source,
                reason: "is more than its \(archiveSize) compressed bytes can expand to "
                    + "(zstd expands a byte into at most \(maximumExpansion))")
        }
    }

    /// Refuses a negative (or non-integral) `db_size` in manifest JSON, which would otherwise only fail as an
    /// undecodable manifest.
    package static func checkSign(ofManifest data: [UInt8], path: String, source: String)
        throws(BackupArchiveError)
    {
        struct Probe: Decodable {
            var dbSize: Double?
            enum CodingKeys: String, CodingKey { case dbSize = "db_size" }
        }
        guard let probe = try? BackupManifest.jsonDecoder().decode(Probe.self, from: Data(data)),
            let size = probe.dbSize
        else { return }
        let claimed =
            size.rounded() == size && abs(size) < 1e18 ? "\(Int64(size))" : "\(size)"
        if size < 0 {
            throw .implausibleDatabaseSize(
                path: path, claimed: claimed, source: source, reason: "is negative")
        }
        if size > Double(absoluteMaximum) {
            throw .implausibleDatabaseSize(
                path: path, claimed: claimed, source: source,
                reason: "is more than the \(absoluteMaximum) bytes (1 TiB) any backup may hold")
        }
    }
}

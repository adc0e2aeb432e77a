import CArchive
import Crypto
import Foundation

/// Writes a `.tar.zst` to an open file: libarchive formats the tar (pax, so entries may exceed 8 GiB), libzstd
/// compresses it as one frame, and the compressed bytes are hashed on their way to the file. Nothing but a few
/// buffers is held in memory, so entries of any size stream through.
///
/// Entries are written in order: `beginEntry`, then exactly `size` bytes of `write`, then the next entry;
/// `finish` ends the archive. The file descriptor stays the caller's to fsync and close.
final class TarZstdWriter {
    private let archive: OpaquePointer
    private let output: CompressedOutput

    init(fileDescriptor: Int32, path: String, compression: BackupCompression) throws(BackupError) {
        output = CompressedOutput(
            fileDescriptor: fileDescriptor, path: path, compressor: try ZstdCompressor(compression))
        guard let archive = archive_write_new() else {
            throw .archiveWriteFailed(reason: "cannot allocate a writer")
        }
        self.archive = archive
        do throws(BackupError) {
            try check(archive_write_set_format_pax_restricted(archive), "set the tar format")
            // Larger blocks mean fewer callbacks; the last block is not padded beyond the tar's end marker.
            try check(archive_write_set_bytes_per_block(archive, 64 * 1024), "set the block size")
            try check(archive_write_set_bytes_in_last_block(archive, 1), "set the last block size")
            let client = Unmanaged.passUnretained(output).toOpaque()
            let opened = archive_write_open2(
                archive, client, nil,
                { _, client, buffer, length in
                    // libarchive hands each tar block here; a thrown error is kept for `check` to report.
                    let output = Unmanaged<CompressedOutput>.fromOpaque(client!)
                        .takeUnretainedValue()
                    do throws(BackupError) {
                        try output.consume(UnsafeRawBufferPointer(start: buffer, count: length))
                        return la_ssize_t(length)
                    } catch {
                        output.failure = error
                        return -1
                    }
                }, nil, nil)
            try check(opened, "open the archive")
        } catch {
            archive_write_free(archive)
            throw error
        }
    }

    deinit {
        // Freeing an unfinished archive makes libarchive flush its end marker; by now the file descriptor may be
        // closed (or reused), so nothing more may reach it.
        output.discarded = true
        archive_write_free(archive)
    }

    /// Starts a regular file entry of exactly `size` bytes.
    func beginEntry(name: String, size: UInt64, modified: Date) throws(BackupError) {
        guard let entry = archive_entry_new() else {
            throw .archiveWriteFailed(reason: "cannot allocate an entry")
        }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_size(entry, la_int64_t(size))
        archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG, a cast macro Swift cannot import
        archive_entry_set_perm(entry, 0o600)
        let seconds = modified.timeIntervalSince1970.rounded(.down)
        archive_entry_set_mtime(
            entry, time_t(seconds), Int((modified.timeIntervalSince1970 - seconds) * 1e9))
        try check(archive_write_header(archive, entry), "write the header of \(name)")
    }

    /// Appends `bytes` to the current entry.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BackupError) {
        var offset = 0
        while offset < bytes.count {
            let written = archive_write_data(
                archive, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else {
                if let error = output.failure { throw error }
                throw .archiveWriteFailed(reason: errorMessage("write entry data"))
            }
            offset += written
        }
    }

    /// Ends the tar and the zstd frame; returns the compressed size and SHA-256 of everything written.
    func finish() throws(BackupError) -> (size: UInt64, sha256: String) {
        try check(archive_write_close(archive), "finish the archive")
        try output.finish()
        return (output.bytesWritten, Array(output.hasher.finalize()).hexString)
    }

    private func check(_ result: Int32, _ operation: String) throws(BackupError) {
        guard result < ARCHIVE_OK else { return }
        if let error = output.failure { throw error }
        throw .archiveWriteFailed(reason: errorMessage(operation))
    }

    private func errorMessage(_ operation: String) -> String {
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        return "cannot \(operation): \(detail)"
    }
}

/// The compressing, hashing end of a `TarZstdWriter`.
private final class CompressedOutput {
    let fileDescriptor: Int32
    let path: String
    let compressor: ZstdCompressor
    var hasher = SHA256()
    var bytesWritten: UInt64 = 0
    var failure: BackupError?
    /// Set when the writer is abandoned: later output is refused instead of written.
    var discarded = false

    init(fileDescriptor: Int32, path: String, compressor: ZstdCompressor) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        self.compressor = compressor
    }

    func consume(_ tar: UnsafeRawBufferPointer) throws(BackupError) {
        if discarded { throw .archiveWriteFailed(reason: "the archive was abandoned") }
        try compressor.compress(tar) { (compressed) throws(BackupError) in try emit(compressed) }
    }

    func finish() throws(BackupError) {
        try compressor.finish { (compressed) throws(BackupError) in try emit(compressed) }
    }

    private func emit(_ compressed: UnsafeRawBufferPointer) throws(BackupError) {
        hasher.update(bufferPointer: compressed)
        try DurableFile.writeAll(fileDescriptor, compressed, path: path)
        bytesWritten += UInt64(compressed.count)
    }
}

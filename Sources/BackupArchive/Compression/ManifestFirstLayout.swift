import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an archive puts its manifest first although the manifest (which holds the database's hash) is known only
/// after the database has streamed: the database entry and the tar's end are compressed into a body file as
/// they arrive, then the archive is the manifest's own zstd frame (its tar header, the JSON and the padding)
/// followed by a copy of the body. A zstd reader decodes the two frames as one stream: one tar, manifest first,
/// so readers learn `db_size` before a byte of the database.
///
/// The copy costs one more write of the compressed archive (the body is read back from the page cache), and
/// the archive's SHA-256 is computed on the way.
package enum ManifestFirstLayout {
    /// The manifest entry as a zstd frame of its own: tar header, JSON, zero padding; no end marker.
    package static func head(
        manifest: Data, modified: Date, compression: BackupCompression
    ) throws(BackupError) -> [UInt8] {
        var tar = Data(
            TarHeader(
                name: ArchiveEntries.manifest, size: UInt64(manifest.count),
                modified: Int64(modified.timeIntervalSince1970.rounded(.down))
            ).encoded())
        tar.append(manifest)
        let block = TarHeader.blockSize
        tar.append(Data(count: (block - tar.count % block) % block))
        let compressor = try ZstdCompressor(BackupCompression(level: compression.level, workers: 0))
        var frame: [UInt8] = []
        try tar.withBytes { (bytes) throws(BackupError) in
            try compressor.compress(bytes) { frame.append(contentsOf: $0) }
        }
        try compressor.finish { frame.append(contentsOf: $0) }
        return frame
    }

    /// Writes `head` to `fd`, then the whole body file `bodyFD` after it; returns the archive's size and hex
    /// SHA-256. Blocks: run it off the cooperative pool.
    package static func assemble(
        head: [UInt8], body bodyFD: Int32, bodyPath: String, into fd: Int32, path: String
    ) throws(BackupError) -> (size: UInt64, sha256: String) {
        var hasher = SHA256()
        var size: UInt64 = 0
        try Data(head).withBytes { (bytes) throws(BackupError) in
            hasher.update(bufferPointer: bytes)
            try DurableFile.writeAll(fd, bytes, path: path)
        }
        size += UInt64(head.count)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: off_t = 0
        while true {
            let count = pread(bodyFD, buffer.baseAddress, buffer.count, offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(operation: "read", path: bodyPath, reason: DurableFile.lastError)
            }
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(bufferPointer: bytes)
            try DurableFile.writeAll(fd, bytes, path: path)
            size += UInt64(count)
            offset += off_t(count)
        }
        return (size, Array(hasher.finalize()).hexString)
    }
}

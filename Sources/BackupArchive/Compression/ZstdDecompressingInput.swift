import CZstd
import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a zstd file and hands out its decompressed bytes piece by piece, hashing the compressed bytes as they
/// are read. Tells a file cut short (a frame still open at end of file) from damaged data (zstd's checksum or
/// format errors) from a file that is not zstd at all.
package final class ZstdDecompressingInput {
    package let path: String
    private let fileDescriptor: Int32
    private let context: OpaquePointer
    private let input: UnsafeMutableRawBufferPointer
    private let output: UnsafeMutableRawBufferPointer
    private var source = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    /// zstd's hint after the last call: 0 once a frame is complete and fully flushed.
    private var pending = 0
    private var endOfFile = false
    private var hasher = SHA256()
    /// Compressed bytes read so far.
    private(set) var bytesRead: UInt64 = 0
    /// zstd frames (skippable ones included) decoded to their end so far.
    private(set) var framesCompleted = 0
    /// Decompressed bytes handed out since the last frame ended (or since the start).
    private(set) var bytesSinceFrameEnd: UInt64 = 0
    /// The compressed offset where the last complete frame ended.
    private(set) var lastFrameEnd: UInt64 = 0
    /// The first error met; every later call throws it again.
    package var failure: BackupArchiveError?

    package init(fileDescriptor: Int32, path: String) throws(BackupArchiveError) {
        guard let context = ZSTD_createDCtx() else {
            throw .corrupt(path: path, reason: "cannot allocate zstd")
        }
        self.context = context
        self.fileDescriptor = fileDescriptor
        self.path = path
        input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
        output = .allocate(byteCount: ZSTD_DStreamOutSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(context)
        input.deallocate()
        output.deallocate()
    }

    /// The next decompressed bytes, valid until the next call; `nil` at the clean end of the file.
    package func next() throws(BackupArchiveError) -> UnsafeRawBufferPointer? {
        if let failure { throw failure }
        do throws(BackupArchiveError) {
            while true {
                if source.pos == source.size {
                    if endOfFile { return nil }
                    try refill()
                    if endOfFile {
                        if pending != 0 {
                            throw .truncated(
                                path: path, reason: "the file ends inside a zstd frame")
                        }
                        return nil
                    }
                }
                var destination = ZSTD_outBuffer(
                    dst: output.baseAddress, size: output.count, pos: 0)
                let consumedBefore = source.pos
                let result = ZSTD_decompressStream(context, &destination, &source)
                if ZSTD_isError(result) != 0 {
                    throw .corrupt(
                        path: path, reason: "zstd: \(String(cString: ZSTD_getErrorName(result)))")
                }
                pending = result
                bytesSinceFrameEnd += UInt64(destination.pos)
                if result == 0 && (source.pos > consumedBefore || destination.pos > 0) {
                    framesCompleted += 1
                    bytesSinceFrameEnd = 0
                    lastFrameEnd = bytesRead - UInt64(source.size - source.pos)
                }
                if destination.pos > 0 {
                    return UnsafeRawBufferPointer(rebasing: output[..<destination.pos])
                }
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// The compressed file's SHA-256, once it has been read to its end.
    package func finalHash() -> String { Array(hasher.finalize()).hexString }

    /// zstd frames start with 0xFD2FB528, little-endian.
    package static let magic: [UInt8] = [0x28, 0xb5, 0x2f, 0xfd]

    private static func startsWithMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 }
    }

    private func refill() throws(BackupArchiveError) {
        while true {
            let count = read(fileDescriptor, input.baseAddress, input.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(
                    path: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if bytesRead == 0
                && !Self.startsWithMagic(UnsafeRawBufferPointer(rebasing: input[..<count]))
            {
                throw .notAnArchive(
                    path: path, reason: "it does not start with zstd's magic number 28 b5 2f fd")
            }
            if count == 0 {
                endOfFile = true
            } else {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: input[..<count]))
                bytesRead += UInt64(count)
            }
            source = ZSTD_inBuffer(src: input.baseAddress, size: count, pos: 0)
            return
        }
    }
}

import CZstd

/// A streaming zstd compressor over libzstd: bytes in, compressed bytes out to a sink, one frame with a content
/// checksum (so `zstd -t` and readers detect damage). Memory is bounded by the level's window and the job buffers.
package final class ZstdCompressor {
    private let context: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer

    package init(_ settings: BackupCompression) throws(BackupError) {
        guard let context = ZSTD_createCCtx() else {
            throw .compressionFailed(reason: "cannot allocate a context")
        }
        self.context = context
        output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
        do throws(BackupError) {
            try set(
                ZSTD_c_compressionLevel, Int32(settings.level),
                "compression level \(settings.level)")
            try set(ZSTD_c_checksumFlag, 1, "content checksum")
            // A libzstd built without threads refuses workers; it then compresses on the calling thread.
            let workers = Int32(settings.workers)
            if workers > 0,
                ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers)) == 0
            {
                // Small jobs keep the workers' buffers (and so the process's memory) to a few MB.
                try set(ZSTD_c_jobSize, Self.jobSize, "job size")
            }
        } catch {
            ZSTD_freeCCtx(context)
            output.deallocate()
            throw error
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    package static let jobSize: Int32 = 1 << 20

    private func set(_ parameter: ZSTD_cParameter, _ value: Int32, _ what: String)
        throws(BackupError)
    {
        let result = ZSTD_CCtx_setParameter(context, parameter, value)
        if ZSTD_isError(result) != 0 {
            throw .compressionFailed(
                reason: "\(what) rejected: \(String(cString: ZSTD_getErrorName(result)))")
        }
    }

    /// Compresses `input`, handing whatever output is ready to `sink`.
    package func compress(
        _ input: UnsafeRawBufferPointer,
        into sink: (UnsafeRawBufferPointer) throws(BackupError) -> Void
    ) throws(BackupError) {
        guard input.count > 0 else { return }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while source.pos < source.size {
            _ = try step(&source, ZSTD_e_continue, sink)
        }
    }

    /// Ends the frame and hands the rest of the output to `sink`.
    package func finish(into sink: (UnsafeRawBufferPointer) throws(BackupError) -> Void)
        throws(BackupError)
    {
        var source = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&source, ZSTD_e_end, sink) != 0 {}
    }

    /// One call of `ZSTD_compressStream2`; returns zstd's "bytes still to flush" hint.
    private func step(
        _ source: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective,
        _ sink: (UnsafeRawBufferPointer) throws(BackupError) -> Void
    ) throws(BackupError) -> Int {
        var destination = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let remaining = ZSTD_compressStream2(context, &destination, &source, directive)
        if ZSTD_isError(remaining) != 0 {
            throw .compressionFailed(reason: String(cString: ZSTD_getErrorName(remaining)))
        }
        if destination.pos > 0 {
            try sink(UnsafeRawBufferPointer(rebasing: output[..<destination.pos]))
        }
        return remaining
    }
}

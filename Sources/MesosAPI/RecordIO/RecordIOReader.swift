import NIOCore

/// Splits a RecordIO byte stream into records, whatever the chunking: feed chunks with `append`, then take
/// records with `next()` until it returns `nil`.
///
/// A record may span chunks (its length line too) and a chunk may hold several records. Empty lines before
/// a length are skipped. Malformed input is refused as soon as it is seen, with an error that quotes it; after
/// an error every `next()` throws the same error.
public struct RecordIOReader: Sendable {
    /// Mesos events are small; a few MiB would do, but offers to many agents can be large.
    public static let defaultMaximumRecordSize = 16 * 1024 * 1024

    /// Records longer than this are refused without being buffered.
    public let maximumRecordSize: Int

    private var buffer = ByteBuffer()
    /// The length of the record being read, once its length line is complete.
    private var pendingLength: Int?
    private var failure: RecordIOError?

    // UInt64 holds any 19-digit number; nothing longer is a sane length.
    private static let maximumLengthDigits = 19
    private static let newline = UInt8(ascii: "\n")

    public init(maximumRecordSize: Int = RecordIOReader.defaultMaximumRecordSize) {
        precondition(maximumRecordSize > 0, "maximumRecordSize must be positive")
        self.maximumRecordSize = maximumRecordSize
    }

    /// Adds the readable bytes of `chunk` to the stream.
    public mutating func append(_ chunk: ByteBuffer) {
        compactIfWorthwhile()
        buffer.writeImmutableBuffer(chunk)
    }

    /// Adds `bytes` to the stream.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        compactIfWorthwhile()
        buffer.writeBytes(bytes)
    }

    /// The next complete record, or `nil` until more bytes arrive.
    public mutating func next() throws(RecordIOError) -> ByteBuffer? {
        if let failure { throw failure }
        do {
            return try readRecord()
        } catch {
            failure = error
            throw error
        }
    }

    /// Bytes received but not yet returned as records (including a partial length line).
    public var bufferedByteCount: Int { buffer.readableBytes }

    /// True if the stream so far ends inside a length line or a record.
    public var isInsideRecord: Bool {
        pendingLength != nil || buffer.readableBytesView.contains { $0 != Self.newline }
    }

    /// Call at the end of the stream: throws if it ended inside a length line or a record.
    public func finish() throws(RecordIOError) {
        if let failure { throw failure }
        if let pendingLength {
            throw .truncatedRecord(expected: pendingLength, received: buffer.readableBytes)
        }
        let rest = buffer.readableBytesView.drop { $0 == Self.newline }
        if !rest.isEmpty { throw .truncatedLength(seen: RecordIOError.show(rest)) }
    }

    private mutating func readRecord() throws(RecordIOError) -> ByteBuffer? {
        if pendingLength == nil {
            guard let length = try readLengthLine() else { return nil }
            pendingLength = length
        }
        guard let length = pendingLength, let record = buffer.readSlice(length: length) else {
            return nil
        }
        pendingLength = nil
        return record
    }

    /// Consumes a complete length line and returns its value, or `nil` (consuming only blank lines) if it is
    /// still incomplete. Checks the digits seen so far either way.
    private mutating func readLengthLine() throws(RecordIOError) -> Int? {
        let view = buffer.readableBytesView
        guard let start = view.firstIndex(where: { $0 != Self.newline }) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return nil
        }
        buffer.moveReaderIndex(forwardBy: start - view.startIndex)
        let line = buffer.readableBytesView
        var value: UInt64 = 0
        var digits = 0
        for byte in line {
            if byte == Self.newline {
                buffer.moveReaderIndex(forwardBy: digits + 1)
                if value == 0 { throw .zeroLength }
                // Refused before any of the record is buffered.
                if value > UInt64(maximumRecordSize) {
                    throw .recordTooLarge(length: value, maximum: maximumRecordSize)
                }
                return Int(value)
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .malformedLength(seen: RecordIOError.show(line))
            }
            digits += 1
            guard digits <= Self.maximumLengthDigits else {
                throw .lengthTooLong(seen: RecordIOError.show(line))
            }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return nil
    }

    /// Drops consumed bytes now and then so a long-lived stream's buffer does not grow without bound.
    private mutating func compactIfWorthwhile() {
        if buffer.readerIndex > 64 * 1024 || (buffer.readableBytes == 0 && buffer.readerIndex > 0) {
            buffer.discardReadBytes()
        }
    }
}

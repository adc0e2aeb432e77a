import Foundation
import NIOCore

/// The records of a RecordIO stream whose bytes arrive as an async sequence of chunks (e.g. an HTTP response
/// body). Throws `RecordIOError` on malformed input, or if the stream ends inside a record.
public struct RecordIORecords<Chunks: AsyncSequence>: AsyncSequence
where Chunks.Element == ByteBuffer {
    public typealias Element = ByteBuffer

    let chunks: Chunks
    let maximumRecordSize: Int

    public init(_ chunks: Chunks, maximumRecordSize: Int = RecordIOReader.defaultMaximumRecordSize)
    {
        self.chunks = chunks
        self.maximumRecordSize = maximumRecordSize
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            chunks: chunks.makeAsyncIterator(),
            reader: RecordIOReader(maximumRecordSize: maximumRecordSize))
    }

    /// Reads chunks until a record is complete.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: Chunks.AsyncIterator
        var reader: RecordIOReader
        var finished = false

        public mutating func next() async throws -> ByteBuffer? {
            while !finished {
                if let record = try reader.next() { return record }
                guard let chunk = try await chunks.next() else {
                    finished = true
                    try reader.finish()
                    return nil
                }
                reader.append(chunk)
            }
            return nil
        }
    }
}

extension RecordIORecords: Sendable where Chunks: Sendable {}

/// Mesos messages (`SchedulerEvent`, `ExecutorEvent`, …) decoded from the records of a RecordIO stream.
/// Throws `RecordIOError` for framing problems and `MesosRecordDecodingError` for a record that is not a
/// valid `Message`.
public struct MesosRecords<Message: Decodable, Chunks: AsyncSequence>: AsyncSequence
where Chunks.Element == ByteBuffer {
    public typealias Element = Message

    let records: RecordIORecords<Chunks>

    public init(
        _ type: Message.Type = Message.self, chunks: Chunks,
        maximumRecordSize: Int = RecordIOReader.defaultMaximumRecordSize
    ) {
        records = RecordIORecords(chunks, maximumRecordSize: maximumRecordSize)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(records: records.makeAsyncIterator(), decoder: MesosJSON.decoder())
    }

    /// Decodes each record as it completes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var records: RecordIORecords<Chunks>.AsyncIterator
        let decoder: JSONDecoder

        public mutating func next() async throws -> Message? {
            guard let record = try await records.next() else { return nil }
            do {
                return try decoder.decode(Message.self, from: Data(record.readableBytesView))
            } catch {
                throw MesosRecordDecodingError(
                    type: "\(Message.self)",
                    record: String(decoding: record.readableBytesView, as: UTF8.self),
                    underlying: "\(error)")
            }
        }
    }
}

extension MesosRecords: Sendable where Chunks: Sendable {}

/// A RecordIO record that is not valid JSON for the expected message type.
public struct MesosRecordDecodingError: Error, Hashable, CustomStringConvertible {
    /// The Swift type expected, e.g. `SchedulerEvent`.
    public var type: String
    /// The record's text (truncated to 500 characters in `description`).
    public var record: String
    /// What the JSON decoder said.
    public var underlying: String

    public var description: String {
        let shown = record.count > 500 ? record.prefix(500) + "…" : Substring(record)
        return "cannot decode a \(type) from the record \(shown): \(underlying)"
    }
}

extension AsyncSequence where Element == ByteBuffer {
    /// The RecordIO records carried by these chunks.
    public func recordIORecords(maximumRecordSize: Int = RecordIOReader.defaultMaximumRecordSize)
        -> RecordIORecords<Self>
    {
        RecordIORecords(self, maximumRecordSize: maximumRecordSize)
    }

    /// The Mesos messages carried as RecordIO records by these chunks.
    public func mesosRecords<Message: Decodable>(
        of type: Message.Type, maximumRecordSize: Int = RecordIOReader.defaultMaximumRecordSize
    ) -> MesosRecords<Message, Self> {
        MesosRecords(type, chunks: self, maximumRecordSize: maximumRecordSize)
    }
}

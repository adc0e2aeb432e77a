import Foundation

/// The bytes of one member's snapshot, pulled chunk by chunk: the member's bbolt database followed by a 32-byte
/// SHA-256 of the database, exactly what `etcdctl snapshot save` writes to its file.
///
/// Only `EtcdClient.snapshot(_:)` makes one, and only for the duration of its closure. The server sends the
/// next chunk only after the consumer took the previous one, so memory stays bounded whatever the DB size.
/// Iterate it once.
public struct EtcdSnapshotStream: AsyncSequence {
    public typealias Element = Data
    public typealias Failure = any Error

    /// How many bytes the whole stream delivers, hash trailer included; known before the first chunk is read.
    public let totalSize: UInt64
    /// The member's endpoint, for messages.
    public let endpoint: String
    let first: Data
    let rest: Handoff<Etcdserverpb_SnapshotResponse>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(first: first, rest: rest)
    }

    /// Yields the chunks as they arrive; throws `EtcdClientError` if the stream fails or stalls.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var first: Data?
        let rest: Handoff<Etcdserverpb_SnapshotResponse>

        public mutating func next() async throws -> Data? {
            if let chunk = first {
                first = nil
                return chunk
            }
            return try await rest.next()?.blob
        }
    }
}

import Crypto

/// Checks etcd's snapshot hash while the stream passes: everything but the last 32 bytes is hashed, and the last
/// 32 bytes (etcd's SHA-256 trailer) are held back and compared at the end. Holds at most 32 bytes.
package struct SnapshotHashVerifier {
    package static let trailerSize = 32

    private var hasher = SHA256()
    private var tail: [UInt8] = []
    /// Bytes seen so far, trailer included.
    package private(set) var received: UInt64 = 0

    package init() {
        tail.reserveCapacity(Self.trailerSize * 2)
    }

    package mutating func update(_ chunk: UnsafeRawBufferPointer) {
        received += UInt64(chunk.count)
        if chunk.count >= Self.trailerSize {
            hasher.update(data: tail)
            let split = chunk.count - Self.trailerSize
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[..<split]))
            tail = Array(chunk[split...])
        } else {
            tail.append(contentsOf: chunk)
            if tail.count > Self.trailerSize {
                let split = tail.count - Self.trailerSize
                hasher.update(data: tail[..<split])
                tail.removeFirst(split)
            }
        }
    }

    /// The database's size and hex SHA-256 once the trailer matched; throws if it did not.
    package func finish(endpoint: String) throws(BackupError) -> (dbSize: UInt64, sha256: String) {
        guard received >= UInt64(Self.trailerSize) else {
            throw .snapshotTooShort(endpoint: endpoint, bytes: received)
        }
        let computed = Array(hasher.finalize()).hexString
        let trailer = tail.hexString
        guard computed == trailer else {
            throw .snapshotHashMismatch(endpoint: endpoint, trailer: trailer, computed: computed)
        }
        return (received - UInt64(Self.trailerSize), computed)
    }
}

extension Sequence<UInt8> {
    /// Lowercase hex, as `sha256sum` prints it.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import BackupArchive
import Foundation
import ObjectStore

/// An archive file read in order and handed out encrypted (`ArchiveCipher`), for an upload: the archive never
/// exists in the clear anywhere but on the host that took it.
public struct EncryptingFileSource: S3UploadSource {
    private var file: S3FileSource
    private var sealer: ArchiveCipher.Sealer
    private var output = Data()
    private var lookahead: Data?
    private var finished = false

    public init(
        path: String, key: BackupEncryptionKey, chunkSize: Int = ArchiveEncryption.defaultChunkSize
    )
        throws(ObjectStoreError)
    {
        file = try S3FileSource(path: path)
        sealer = ArchiveCipher.Sealer(key: key, chunkSize: chunkSize)
        output = sealer.header
    }

    /// How the object will be described in its sidecar once `plaintextSize` bytes went through.
    public static func description(
        plaintextSize: UInt64, key: BackupEncryptionKey,
        chunkSize: Int = ArchiveEncryption.defaultChunkSize
    ) -> ArchiveEncryption {
        ArchiveEncryption(
            keyID: key.id, chunkSize: chunkSize,
            encryptedSize: ArchiveCipher.encryptedSize(of: plaintextSize, chunkSize: chunkSize))
    }

    public mutating func next(upTo count: Int) async throws -> Data {
        while output.count < count && !finished {
            let chunk = try await read(sealer.chunkSize)
            // One chunk ahead, to know whether this one is the last.
            let following = try await read(sealer.chunkSize)
            let isLast = chunk.count < sealer.chunkSize || following.isEmpty
            output += try sealer.seal(chunk, final: isLast)
            if isLast {
                finished = true
            } else {
                lookahead = following
            }
        }
        let handed = output.prefix(count)
        output.removeFirst(handed.count)
        return Data(handed)
    }

    private mutating func read(_ count: Int) async throws -> Data {
        if let pending = lookahead {
            lookahead = nil
            return pending
        }
        return try await file.next(upTo: count)
    }
}

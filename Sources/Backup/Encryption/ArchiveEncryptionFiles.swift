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

/// Decrypts an encrypted archive file into a new file.
public enum ArchiveDecryption {
    /// Decrypts `source` into `destination` (created, mode 0600), checking the encrypted size the sidecar
    /// names first; on any failure `destination` is removed. Blocking: call it off the cooperative pool.
    public static func decrypt(
        _ source: String, to destination: String, key: BackupEncryptionKey?,
        expected: ArchiveEncryption
    ) throws {
        guard expected.algorithm == ArchiveEncryption.streamV1 else {
            throw BackupEncryptionError.notEncrypted(
                reason: "unknown algorithm \(expected.algorithm)")
        }
        guard let key else { throw BackupEncryptionError.keyRequired(keyID: expected.keyID) }
        guard key.id == expected.keyID else {
            throw BackupEncryptionError.wrongKey(archiveKeyID: expected.keyID, givenKeyID: key.id)
        }
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw BackupStoreError.fileSystem(
                operation: "open", path: source, reason: "cannot read it")
        }
        defer { try? input.close() }
        let size =
            (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? UInt64) ?? 0
        if size < expected.encryptedSize {
            throw BackupEncryptionError.truncated(
                chunks: (size.saturatingSub(UInt64(ArchiveCipher.headerSize)))
                    / UInt64(expected.chunkSize + ArchiveCipher.tagSize))
        }
        if size > expected.encryptedSize { throw BackupEncryptionError.trailingData }
        guard
            FileManager.default.createFile(
                atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: destination)
        else {
            throw BackupStoreError.fileSystem(
                operation: "create", path: destination, reason: "cannot write it")
        }
        do {
            defer { try? output.close() }
            var opener = ArchiveCipher.Opener(key: key)
            while let piece = try input.read(upToCount: 1 << 20), !piece.isEmpty {
                try output.write(contentsOf: try opener.feed(piece))
            }
            try output.write(contentsOf: try opener.finish())
            try output.synchronize()
        } catch {
            unlink(destination)
            throw error
        }
    }
}

extension UInt64 {
    fileprivate func saturatingSub(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
}

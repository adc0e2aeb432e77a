import Crypto
import Foundation

/// Decrypts an encrypted archive file into a new file.
public enum ArchiveDecryption {
    /// What came out: the plaintext archive's size and SHA-256 (hex).
    public struct Decrypted: Sendable, Equatable {
        public var size: UInt64
        public var sha256: String
    }

    /// Decrypts `source` into `destination` (created, mode 0600), checking the encrypted size the sidecar
    /// names first; on any failure `destination` is removed. Blocking: call it off the cooperative pool.
    @discardableResult
    public static func decrypt(
        _ source: String, to destination: String, key: ArchiveDecryptionKey?,
        expected: ArchiveEncryption
    ) throws -> Decrypted {
        guard expected.algorithm == ArchiveEncryption.streamV1 else {
            throw BackupEncryptionError.notEncrypted(
                reason: "unknown algorithm \(expected.algorithm)")
        }
        guard let key else { throw BackupEncryptionError.keyRequired(keyID: expected.keyID) }
        if case .backupKey(let backupKey) = key, backupKey.id != expected.keyID {
            throw BackupEncryptionError.wrongKey(
                archiveKeyID: expected.keyID, givenKeyID: backupKey.id)
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
            var hash = SHA256()
            var written: UInt64 = 0
            func write(_ plaintext: Data) throws {
                hash.update(data: plaintext)
                written += UInt64(plaintext.count)
                try output.write(contentsOf: plaintext)
            }
            while let piece = try input.read(upToCount: 1 << 20), !piece.isEmpty {
                try write(try opener.feed(piece))
            }
            try write(try opener.finish())
            try output.synchronize()
            return Decrypted(
                size: written,
                sha256: hash.finalize().map { String(format: "%02x", $0) }.joined())
        } catch {
            unlink(destination)
            throw error
        }
    }
}

extension UInt64 {
    fileprivate func saturatingSub(_ other: UInt64) -> UInt64 { self > other ? self - other : 0 }
}

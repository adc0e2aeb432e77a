import Crypto
import Foundation
import Support

/// The key backups are encrypted with in the object store: 32 random bytes from a file (raw, or 64 hex
/// digits), readable by its owner only. Its `id` names it in sidecars; the key itself is never written anywhere
/// else, and its description shows only the ID.
public struct BackupEncryptionKey: Sendable, CustomStringConvertible {
    let key: SymmetricKey
    /// 16 hex digits of SHA-256 over a label and the key: names the key without revealing it.
    public let id: String

    public init(bytes: Data) throws(BackupEncryptionError) {
        guard bytes.count == 32 else {
            throw .badKey("a backup encryption key is 32 bytes, this one has \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
        var labelled = Data("etcd-mesos backup encryption key id\0".utf8)
        labelled.append(bytes)
        id = SHA256.hash(data: labelled).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads a key file: exactly 32 bytes, or 64 hex digits (a trailing newline is allowed). Refused when group
    /// or others may read it, as ssh refuses such a key.
    public static func load(file path: String) throws(BackupEncryptionError) -> BackupEncryptionKey
    {
        let data: Data
        do throws(PrivateFileError) {
            data = try PrivateFile.contents(of: path, limit: 1024)
        } catch {
            throw .badKey("the encryption key file \(path) \(error.reason(path: path))")
        }
        if data.count == 32 { return try BackupEncryptionKey(bytes: data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard text.count == 64, let bytes = Self.hex(text) else {
            throw .badKey(
                "the encryption key file \(path) holds neither 32 raw bytes nor 64 hex digits "
                    + "(make one with: head -c 32 /dev/urandom > \(path); chmod 600 \(path))")
        }
        return try BackupEncryptionKey(bytes: bytes)
    }

    private static func hex(_ text: String) -> Data? {
        var bytes = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    public var description: String { "backup encryption key \(id)" }
}

/// Why an encrypted archive was refused, or a key could not be used.
public enum BackupEncryptionError: Error, Sendable, Equatable, CustomStringConvertible {
    case badKey(String)
    /// The archive was encrypted with another key.
    case wrongKey(archiveKeyID: String, givenKeyID: String)
    /// The archive is encrypted and no key was given.
    case keyRequired(keyID: String)
    /// Not an encrypted archive of this format (bad magic or header).
    case notEncrypted(reason: String)
    /// The stream ends before its final chunk.
    case truncated(chunks: UInt64)
    /// A chunk sealed for another position: the stream was reordered.
    case reordered(position: UInt64, sealedFor: UInt64)
    /// A chunk that does not authenticate: changed bytes.
    case tampered(chunk: UInt64)
    /// Bytes after the final chunk.
    case trailingData
    /// The archive key given for this archive opens none of its chunks: it belongs to another archive.
    case wrongArchiveKey

    public var description: String {
        switch self {
        case .badKey(let reason): return reason
        case .wrongKey(let archive, let given):
            return "the archive was encrypted with key \(archive), not with the given key \(given)"
        case .keyRequired(let id):
            return
                "the archive is encrypted (key \(id)); give its key file (-backup-encryption-key-file, "
                + "--encryption-key-file)"
        case .notEncrypted(let reason): return "not an encrypted archive: \(reason)"
        case .truncated(let chunks):
            return
                "the encrypted archive is truncated: it ends after \(chunks) chunk(s), before its final chunk"
        case .reordered(let position, let sealedFor):
            return
                "the encrypted archive was reordered: chunk \(sealedFor) is at position \(position)"
        case .tampered(let chunk):
            return "the encrypted archive was tampered with: chunk \(chunk) does not authenticate"
        case .trailingData: return "the encrypted archive has data after its final chunk"
        case .wrongArchiveKey:
            return
                "the archive key given for this archive does not open it (a key for another archive?)"
        }
    }
}

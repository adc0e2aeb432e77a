import Crypto
import Foundation

/// The encrypted form of an archive: a header, then the archive in chunks sealed with AES-256-GCM, so that it
/// is written and read as a stream.
///
/// Header (56 bytes): magic `EMBKENC1`, the key's ID (8 bytes), a random 32-byte salt, the chunk size (UInt32,
/// big-endian), 4 zero bytes. Each chunk is sealed under HKDF-SHA256(key, salt) with the nonce `0000 ‖ index`
/// (index: UInt64, big-endian) and the associated data `header ‖ index ‖ final`, where `final` is 1 for the last
/// chunk only (which may be short, or empty for an empty archive). So a changed byte, a chunk moved elsewhere,
/// a stream cut at a chunk boundary and a foreign key are each detected, and told apart.
package enum ArchiveCipher {
    static let magic = Data("EMBKENC1".utf8)
    package static let headerSize = 56
    package static let tagSize = 16
    static let defaultChunkSize = ArchiveEncryption.defaultChunkSize
    static let maximumChunkSize = 64 << 20

    /// The encrypted size of `plaintextSize` bytes in chunks of `chunkSize`.
    package static func encryptedSize(of plaintextSize: UInt64, chunkSize: Int) -> UInt64 {
        let chunks = max(1, (plaintextSize + UInt64(chunkSize) - 1) / UInt64(chunkSize))
        return UInt64(headerSize) + plaintextSize + chunks * UInt64(tagSize)
    }

    /// The key an archive's chunks are sealed under: HKDF-SHA256 of the backup key and the archive's salt.
    static func chunkKey(_ key: BackupEncryptionKey, salt: Data) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key.key, salt: salt,
            info: Data("etcd-mesos backup archive v1".utf8), outputByteCount: 32)
    }

    static func nonce(_ index: UInt64) -> AES.GCM.Nonce {
        var bytes = Data(count: 4)
        withUnsafeBytes(of: index.bigEndian) { bytes.append(contentsOf: $0) }
        return try! AES.GCM.Nonce(data: bytes)  // 12 bytes: always valid
    }

    static func associatedData(header: Data, index: UInt64, final: Bool) -> Data {
        var data = header
        withUnsafeBytes(of: index.bigEndian) { data.append(contentsOf: $0) }
        data.append(final ? 1 : 0)
        return data
    }

    /// Seals chunks in order.
    package struct Sealer {
        package let header: Data
        private let chunkKey: SymmetricKey
        package let chunkSize: Int
        private(set) var index: UInt64 = 0

        package init(key: BackupEncryptionKey, chunkSize: Int = ArchiveEncryption.defaultChunkSize)
        {
            var salt = Data(count: 32)
            var generator = SystemRandomNumberGenerator()
            for position in 0..<32 { salt[position] = UInt8.random(in: 0...255, using: &generator) }
            var header = ArchiveCipher.magic
            header.append(Self.keyIDBytes(key.id))
            header.append(salt)
            withUnsafeBytes(of: UInt32(chunkSize).bigEndian) { header.append(contentsOf: $0) }
            header.append(Data(count: 4))
            self.header = header
            self.chunkSize = chunkSize
            chunkKey = ArchiveCipher.chunkKey(key, salt: salt)
        }

        static func keyIDBytes(_ id: String) -> Data {
            var bytes = Data()
            var index = id.startIndex
            while index < id.endIndex, bytes.count < 8 {
                let next = id.index(index, offsetBy: 2)
                bytes.append(UInt8(id[index..<next], radix: 16) ?? 0)
                index = next
            }
            return bytes
        }

        /// Seals the next chunk: `chunkSize` bytes, or fewer (even none) when `final`.
        package mutating func seal(_ plaintext: Data, final: Bool) throws -> Data {
            precondition(plaintext.count == chunkSize || (final && plaintext.count <= chunkSize))
            let box = try AES.GCM.seal(
                plaintext, using: chunkKey, nonce: ArchiveCipher.nonce(index),
                authenticating: ArchiveCipher.associatedData(
                    header: header, index: index, final: final))
            index += 1
            return box.ciphertext + box.tag
        }
    }

    /// Opens a stream fed in pieces of any size; `finish()` says whether it ended where it should.
    package struct Opener {
        private let key: ArchiveDecryptionKey
        private var header: Data?
        private var chunkKey: SymmetricKey?
        private var chunkSize = 0
        private var buffer = Data()
        private var index: UInt64 = 0

        package init(key: ArchiveDecryptionKey) {
            self.key = key
        }

        /// The key ID an encrypted archive's first bytes name (nil when `data` is too short or not one).
        package static func keyID(of data: Data) -> String? {
            guard data.count >= 16, data.prefix(8) == ArchiveCipher.magic else { return nil }
            return data.dropFirst(8).prefix(8).map { String(format: "%02x", $0) }.joined()
        }

        /// The plaintext of every whole chunk that `data` completes, except the last one seen (it may be the
        /// final chunk, which only `finish()` can tell).
        package mutating func feed(_ data: Data) throws(BackupEncryptionError) -> Data {
            buffer.append(data)
            if header == nil {
                guard buffer.count >= ArchiveCipher.headerSize else { return Data() }
                try readHeader()
            }
            var plaintext = Data()
            let sealedChunk = chunkSize + ArchiveCipher.tagSize
            while buffer.count > sealedChunk {
                plaintext += try openNext(Data(buffer.prefix(sealedChunk)), final: false)
                buffer.removeFirst(sealedChunk)
            }
            return plaintext
        }

        /// The final chunk's plaintext; throws if the stream was cut, changed, or carries more.
        package mutating func finish() throws(BackupEncryptionError) -> Data {
            guard header != nil else {
                throw .notEncrypted(reason: "\(buffer.count) bytes, shorter than the header")
            }
            let last = buffer
            buffer.removeAll()
            if let plaintext = attempt(last, at: index, final: true) {
                index += 1
                return plaintext
            }
            // Sealed as a chunk that is not the last one: the stream was cut at a chunk boundary.
            if attempt(last, at: index, final: false) != nil { throw .truncated(chunks: index + 1) }
            if last.count < ArchiveCipher.tagSize { throw .truncated(chunks: index) }
            return try openNext(last, final: true)
        }

        private mutating func readHeader() throws(BackupEncryptionError) {
            let candidate = Data(buffer.prefix(ArchiveCipher.headerSize))
            guard candidate.prefix(8) == ArchiveCipher.magic else {
                throw .notEncrypted(
                    reason:
                        "it does not start with \(String(decoding: ArchiveCipher.magic, as: UTF8.self))"
                )
            }
            let size = candidate.dropFirst(48).prefix(4).reduce(0) { $0 << 8 | Int($1) }
            guard size > 0, size <= ArchiveCipher.maximumChunkSize else {
                throw .notEncrypted(reason: "a chunk size of \(size) bytes")
            }
            chunkSize = size
            header = candidate
            switch key {
            case .backupKey(let backupKey):
                chunkKey = try ArchiveCipher.archiveKey(for: backupKey, header: candidate).key
            case .archiveKey(let archiveKey):
                chunkKey = archiveKey.key
            }
            buffer.removeFirst(ArchiveCipher.headerSize)
        }

        /// `sealed` opened as the chunk at `position`, or nil when it does not authenticate there.
        private func attempt(_ sealed: Data, at position: UInt64, final: Bool) -> Data? {
            guard let header, let chunkKey, sealed.count >= ArchiveCipher.tagSize,
                let box = try? AES.GCM.SealedBox(
                    nonce: ArchiveCipher.nonce(position),
                    ciphertext: sealed.dropLast(ArchiveCipher.tagSize),
                    tag: sealed.suffix(ArchiveCipher.tagSize))
            else { return nil }
            return try? AES.GCM.open(
                box, using: chunkKey,
                authenticating: ArchiveCipher.associatedData(
                    header: header, index: position, final: final))
        }

        /// Opens `sealed` as the next chunk. On failure, tells a chunk sealed for another position (reordered)
        /// from changed bytes (tampered) by trying the positions around it.
        private mutating func openNext(_ sealed: Data, final: Bool) throws(BackupEncryptionError)
            -> Data
        {
            if let plaintext = attempt(sealed, at: index, final: final) {
                index += 1
                return plaintext
            }
            if !final && attempt(sealed, at: index, final: true) != nil { throw .trailingData }
            let lowest = index > 64 ? index - 64 : 0
            for position in lowest..<(index + 64) where position != index {
                if attempt(sealed, at: position, final: false) != nil
                    || attempt(sealed, at: position, final: true) != nil
                {
                    throw .reordered(position: index, sealedFor: position)
                }
            }
            // A key for another archive opens no chunk of this one, the first included.
            if index == 0, case .archiveKey = key { throw .wrongArchiveKey }
            throw .tampered(chunk: index)
        }
    }

    /// The salt in an archive's header.
    static func salt(of header: Data) -> Data { Data(header.dropFirst(16).prefix(32)) }

    /// The key that opens the one archive whose first `headerSize` bytes are `header`, and no other: what an
    /// executor is given to decrypt the archive it restores, instead of the backup key.
    package static func archiveKey(
        for key: BackupEncryptionKey, header: Data
    ) throws(BackupEncryptionError) -> ArchiveKey {
        guard header.count >= headerSize, header.prefix(8) == magic else {
            throw .notEncrypted(
                reason:
                    "it does not start with a \(headerSize)-byte \(String(decoding: magic, as: UTF8.self)) header"
            )
        }
        let keyID = Opener.keyID(of: header)!
        guard keyID == key.id else { throw .wrongKey(archiveKeyID: keyID, givenKeyID: key.id) }
        return ArchiveKey(key: chunkKey(key, salt: salt(of: Data(header.prefix(headerSize)))))
    }
}

/// What opens an encrypted archive: the backup key (which opens every archive it encrypted), or one archive's
/// own key.
public enum ArchiveDecryptionKey: Sendable {
    case backupKey(BackupEncryptionKey)
    case archiveKey(ArchiveKey)
}

/// The key of one encrypted archive (HKDF of the backup key and that archive's salt): it opens that archive
/// only, so handing it to an executor with a short-lived URL gives away no more than that archive. Its
/// description never shows it.
public struct ArchiveKey: Sendable, CustomStringConvertible {
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// From its base64 form; nil unless it is 32 bytes.
    public init?(base64: String) {
        guard let bytes = Data(base64Encoded: base64), bytes.count == 32 else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// The key in base64, for the task that restores the archive: a secret.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    public var description: String { "archive key (hidden)" }
}

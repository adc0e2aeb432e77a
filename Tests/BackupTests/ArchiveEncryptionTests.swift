import EtcdMesosTesting
import Foundation
import ObjectStore
import Testing

@testable import Backup
@testable import BackupArchive

/// The chunked AES-256-GCM stream archives are stored in: it round-trips every size, and a wrong key, a cut,
/// a reordering, changed bytes and extra bytes are each refused under their own name.
@Suite("Archive encryption: chunked AES-256-GCM")
struct ArchiveEncryptionTests {
    static let key = try! BackupEncryptionKey(bytes: Data((0..<32).map { UInt8($0) }))
    static let otherKey = try! BackupEncryptionKey(bytes: Data((0..<32).map { UInt8(255 - $0) }))
    static let chunk = 64

    static func bytes(_ count: Int, seed: UInt8 = 7) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
    }

    /// `plaintext` written to a file and read back through `EncryptingFileSource` in `piece`-byte reads.
    static func encrypt(_ plaintext: Data, key: BackupEncryptionKey = key, piece: Int = 100)
        async throws -> Data
    {
        let directory = try TemporaryDirectory(prefix: "encryption")
        defer { directory.remove() }
        let path = directory.appending("archive")
        FileManager.default.createFile(atPath: path, contents: plaintext)
        var source = try EncryptingFileSource(path: path, key: key, chunkSize: chunk)
        var sealed = Data()
        while true {
            let next = try await source.next(upTo: piece)
            sealed += next
            if next.count < piece { break }
        }
        return sealed
    }

    static func open(_ sealed: Data, key: BackupEncryptionKey = key, piece: Int = 37) throws -> Data
    {
        var opener = ArchiveCipher.Opener(key: .backupKey(key))
        var plaintext = Data()
        var offset = 0
        while offset < sealed.count {
            let end = min(sealed.count, offset + piece)
            plaintext += try opener.feed(sealed[offset..<end])
            offset = end
        }
        return plaintext + (try opener.finish())
    }

    @Test(
        "every size round-trips, and the encrypted size is the one the sidecar announces",
        arguments: [0, 1, 63, 64, 65, 128, 64 * 3 + 5, 10_000])
    func roundTrip(size: Int) async throws {
        let plaintext = Self.bytes(size)
        let sealed = try await Self.encrypt(plaintext)
        #expect(
            UInt64(sealed.count)
                == EncryptingFileSource.description(
                    plaintextSize: UInt64(size), key: Self.key, chunkSize: Self.chunk
                ).encryptedSize)
        #expect(try Self.open(sealed) == plaintext)
        if size >= 32 {
            #expect(sealed.range(of: plaintext.prefix(32)) == nil, "plaintext visible")
        }
    }

    @Test("two encryptions of one archive differ (a fresh salt each time)")
    func freshSalt() async throws {
        let plaintext = Self.bytes(500)
        #expect(try await Self.encrypt(plaintext) != (try await Self.encrypt(plaintext)))
    }

    @Test("a wrong key is named with both key IDs before anything is decrypted")
    func wrongKey() async throws {
        let sealed = try await Self.encrypt(Self.bytes(300))
        #expect(
            throws: BackupEncryptionError.wrongKey(
                archiveKeyID: Self.key.id, givenKeyID: Self.otherKey.id)
        ) {
            try Self.open(sealed, key: Self.otherKey)
        }
        #expect(ArchiveCipher.Opener.keyID(of: sealed) == Self.key.id)
    }

    @Test("a stream cut at a chunk boundary, or inside the header, is truncated")
    func truncation() async throws {
        let sealed = try await Self.encrypt(Self.bytes(64 * 4 + 10))
        let sealedChunk = Self.chunk + ArchiveCipher.tagSize
        let twoChunks = sealed.prefix(ArchiveCipher.headerSize + 2 * sealedChunk)
        #expect(throws: BackupEncryptionError.truncated(chunks: 2)) {
            try Self.open(Data(twoChunks))
        }
        #expect(throws: BackupEncryptionError.self) { try Self.open(Data(sealed.prefix(20))) }
    }

    @Test("chunks in another order are reported as reordered")
    func reordering() async throws {
        let sealed = try await Self.encrypt(Self.bytes(64 * 4 + 10))
        let sealedChunk = Self.chunk + ArchiveCipher.tagSize
        let header = ArchiveCipher.headerSize
        var swapped = sealed
        let first = sealed[(header + sealedChunk)..<(header + 2 * sealedChunk)]
        let second = sealed[(header + 2 * sealedChunk)..<(header + 3 * sealedChunk)]
        swapped.replaceSubrange((header + sealedChunk)..<(header + 2 * sealedChunk), with: second)
        swapped.replaceSubrange(
            (header + 2 * sealedChunk)..<(header + 3 * sealedChunk), with: first)
        #expect(throws: BackupEncryptionError.reordered(position: 1, sealedFor: 2)) {
            try Self.open(swapped)
        }
    }

    @Test("a changed byte is tampering, and bytes after the final chunk are refused")
    func tamperingAndTrailingData() async throws {
        let sealed = try await Self.encrypt(Self.bytes(64 * 3))
        var flipped = sealed
        flipped[ArchiveCipher.headerSize + Self.chunk + ArchiveCipher.tagSize + 5] ^= 1
        #expect(throws: BackupEncryptionError.tampered(chunk: 1)) { try Self.open(flipped) }
        var header = sealed
        header[30] ^= 1  // the salt: every chunk's key changes
        #expect(throws: BackupEncryptionError.self) { try Self.open(header) }
        #expect(throws: BackupEncryptionError.trailingData) {
            try Self.open(sealed + Self.bytes(Self.chunk + ArchiveCipher.tagSize + 1))
        }
    }

    @Test(
        "file decryption checks the key and the announced size first, and leaves no file on failure"
    )
    func fileDecryption() async throws {
        let directory = try TemporaryDirectory(prefix: "decrypt")
        defer { directory.remove() }
        let plaintext = Self.bytes(1000)
        let sealed = try await Self.encrypt(plaintext)
        let source = directory.appending("sealed")
        let target = directory.appending("plain")
        FileManager.default.createFile(atPath: source, contents: sealed)
        let described = EncryptingFileSource.description(
            plaintextSize: 1000, key: Self.key, chunkSize: Self.chunk)
        try ArchiveDecryption.decrypt(
            source, to: target, key: .backupKey(Self.key), expected: described)
        #expect(FileManager.default.contents(atPath: target) == plaintext)
        unlink(target)

        #expect(throws: BackupEncryptionError.keyRequired(keyID: Self.key.id)) {
            try ArchiveDecryption.decrypt(source, to: target, key: nil, expected: described)
        }
        #expect(
            throws: BackupEncryptionError.wrongKey(
                archiveKeyID: Self.key.id, givenKeyID: Self.otherKey.id)
        ) {
            try ArchiveDecryption.decrypt(
                source, to: target, key: .backupKey(Self.otherKey), expected: described)
        }
        FileManager.default.createFile(atPath: source, contents: sealed.dropLast(30))
        #expect(throws: BackupEncryptionError.self) {
            try ArchiveDecryption.decrypt(
                source, to: target, key: .backupKey(Self.key), expected: described)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("key files: 32 raw bytes or 64 hex digits, mode 0600; anything else is refused by name")
    func keyFiles() throws {
        let directory = try TemporaryDirectory(prefix: "keys")
        defer { directory.remove() }
        let raw = directory.appending("raw")
        FileManager.default.createFile(
            atPath: raw, contents: Data((0..<32).map { UInt8($0) }),
            attributes: [.posixPermissions: 0o600])
        #expect(try BackupEncryptionKey.load(file: raw).id == Self.key.id)
        let hex = directory.appending("hex")
        let text = (0..<32).map { String(format: "%02x", $0) }.joined() + "\n"
        FileManager.default.createFile(
            atPath: hex, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        #expect(try BackupEncryptionKey.load(file: hex).id == Self.key.id)
        #expect(!"\(Self.key)".contains("000102"), "the description shows the ID only")

        let open = directory.appending("open")
        FileManager.default.createFile(
            atPath: open, contents: Data(count: 32), attributes: [.posixPermissions: 0o644])
        #expect { try BackupEncryptionKey.load(file: open) } throws: {
            "\($0)".contains("chmod 600")
        }
        let short = directory.appending("short")
        FileManager.default.createFile(
            atPath: short, contents: Data(count: 31), attributes: [.posixPermissions: 0o600])
        #expect { try BackupEncryptionKey.load(file: short) } throws: {
            "\($0)".contains("neither")
        }
    }

    @Test(
        "an archive's own key opens that archive and no other; it is refused for another archive by name"
    )
    func archiveKey() async throws {
        let plaintext = Self.bytes(1000)
        let sealed = try await Self.encrypt(plaintext)
        let other = try await Self.encrypt(plaintext)
        let key = try ArchiveCipher.archiveKey(for: Self.key, header: sealed.prefix(56))
        // It travels as base64 and is hidden in descriptions.
        let carried = try #require(ArchiveKey(base64: key.base64))
        #expect(!"\(carried)".contains(key.base64))
        func open(_ data: Data, with key: ArchiveKey) throws -> Data {
            var opener = ArchiveCipher.Opener(key: .archiveKey(key))
            return try opener.feed(data) + opener.finish()
        }
        #expect(try open(sealed, with: carried) == plaintext)
        #expect(throws: BackupEncryptionError.wrongArchiveKey) { try open(other, with: carried) }
        // Deriving it needs the backup key the header names.
        #expect(
            throws: BackupEncryptionError.wrongKey(
                archiveKeyID: Self.key.id, givenKeyID: Self.otherKey.id)
        ) { try ArchiveCipher.archiveKey(for: Self.otherKey, header: sealed.prefix(56)) }
        #expect(ArchiveKey(base64: "c2hvcnQ=") == nil)
    }
}

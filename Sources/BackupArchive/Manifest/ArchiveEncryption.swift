/// How the stored copy of an archive is encrypted, as its sidecar in the object store records it: never the
/// key, only its ID.
public struct ArchiveEncryption: Sendable, Hashable, Codable {
    /// `AES-256-GCM-STREAM-v1`: chunks sealed with AES-256-GCM under a per-archive key (HKDF-SHA256 of the
    /// backup key and a random salt), each chunk's index and a final-chunk flag authenticated with it.
    public var algorithm: String
    /// The backup key's ID (see `BackupEncryptionKey.id`).
    public var keyID: String
    /// Plaintext bytes per chunk.
    public var chunkSize: Int
    /// Bytes of the encrypted object.
    public var encryptedSize: UInt64

    public static let streamV1 = "AES-256-GCM-STREAM-v1"
    /// Plaintext bytes per chunk unless told otherwise: 1 MiB.
    public static let defaultChunkSize = 1 << 20

    public init(
        algorithm: String = ArchiveEncryption.streamV1, keyID: String, chunkSize: Int,
        encryptedSize: UInt64
    ) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.chunkSize = chunkSize
        self.encryptedSize = encryptedSize
    }

    enum CodingKeys: String, CodingKey {
        case algorithm
        case keyID = "key_id"
        case chunkSize = "chunk_size"
        case encryptedSize = "encrypted_size"
    }
}

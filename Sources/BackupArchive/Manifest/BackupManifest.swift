import Foundation

/// What a backup archive holds and where it came from: written as `manifest.json` inside the archive and, with the
/// archive's own size and SHA-256 added, as the `<archive>.json` sidecar beside it, so listing and choosing a
/// backup never decompresses anything.
///
/// `snapshot.db` in the archive is exactly what `etcdctl snapshot save` writes: the member's bbolt database
/// (`dbSize` bytes) followed by etcd's 32-byte SHA-256 of it (`dbSHA256`), so `etcdctl snapshot status` and
/// `snapshot restore` (or `etcdutl`) accept the extracted file without `--skip-hash-check`.
public struct BackupManifest: Codable, Sendable, Hashable {
    /// The manifest layout this code writes; readers refuse newer ones.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// The archive's name without `.tar.zst`: `<cluster>-<yyyyMMddTHHmmssZ>-r<revision>`.
    public var id: String
    public var clusterName: String
    /// The scheduler's cluster epoch (bumped when a cluster is formed, reseeded or restored).
    public var clusterEpoch: Int
    /// The member the snapshot was streamed from.
    public var sourceMember: BackupSourceMember
    /// The member's key-value revision just before the snapshot began; the snapshot holds at least this revision.
    public var revision: Int64
    public var raftIndex: UInt64
    public var raftTerm: UInt64
    /// The source member's server version, e.g. `3.4.23`.
    public var etcdVersion: String
    /// Bytes of the bbolt database (`snapshot.db` without etcd's 32-byte hash trailer).
    public var dbSize: UInt64
    /// Hex SHA-256 of the database, as etcd computed it, checked while streaming (the trailer of `snapshot.db`).
    public var dbSHA256: String
    /// `zstd`.
    public var compression: String
    public var compressionLevel: Int
    /// When the snapshot began (UTC).
    public var createdAt: Date
    /// How long streaming, compressing and writing took, in seconds.
    public var durationSeconds: Double
    /// The program that wrote the archive, e.g. `etcd-mesos 0.1.0`.
    public var toolVersion: String
    /// Bytes of the `.tar.zst` file; only in the sidecar (an archive cannot hold its own size or hash).
    public var archiveSize: UInt64?
    /// Hex SHA-256 of the `.tar.zst` file; only in the sidecar.
    public var archiveSHA256: String?
    /// Why it was taken: on schedule, or on request (`POST /backups`). Retention counts the two apart, so
    /// requested backups never push periodic ones out. Absent in manifests written before it was recorded;
    /// those count as periodic.
    public var trigger: BackupTrigger?
    /// Only in a sidecar in an object store whose copy of the archive is encrypted: how, and with which key.
    public var encryption: ArchiveEncryption?
    /// Only in a sidecar: the last restore drill of this backup.
    public var drill: BackupDrill?

    public init(
        id: String, clusterName: String, clusterEpoch: Int, sourceMember: BackupSourceMember,
        revision: Int64,
        raftIndex: UInt64, raftTerm: UInt64, etcdVersion: String, dbSize: UInt64, dbSHA256: String,
        compression: String = "zstd", compressionLevel: Int, createdAt: Date,
        durationSeconds: Double,
        toolVersion: String, archiveSize: UInt64? = nil, archiveSHA256: String? = nil,
        trigger: BackupTrigger? = nil,
        formatVersion: Int = BackupManifest.currentFormatVersion
    ) {
        self.formatVersion = formatVersion
        self.id = id
        self.clusterName = clusterName
        self.clusterEpoch = clusterEpoch
        self.sourceMember = sourceMember
        self.revision = revision
        self.raftIndex = raftIndex
        self.raftTerm = raftTerm
        self.etcdVersion = etcdVersion
        self.dbSize = dbSize
        self.dbSHA256 = dbSHA256
        self.compression = compression
        self.compressionLevel = compressionLevel
        self.createdAt = createdAt
        self.durationSeconds = durationSeconds
        self.toolVersion = toolVersion
        self.archiveSize = archiveSize
        self.archiveSHA256 = archiveSHA256
        self.trigger = trigger
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case id
        case clusterName = "cluster_name"
        case clusterEpoch = "cluster_epoch"
        case sourceMember = "source_member"
        case revision
        case raftIndex = "raft_index"
        case raftTerm = "raft_term"
        case etcdVersion = "etcd_version"
        case dbSize = "db_size"
        case dbSHA256 = "db_sha256"
        case compression
        case compressionLevel = "compression_level"
        case createdAt = "created_at"
        case durationSeconds = "duration_seconds"
        case toolVersion = "tool_version"
        case archiveSize = "archive_size"
        case archiveSHA256 = "archive_sha256"
        case trigger
        case encryption
        case drill
    }

    /// The archive's file name: `<id>.tar.zst`.
    public var archiveFileName: String { id + BackupID.archiveSuffix }

    /// The manifest as it appears inside the archive: without the archive's own size and hash.
    public var inArchive: BackupManifest {
        var copy = self
        copy.archiveSize = nil
        copy.archiveSHA256 = nil
        copy.encryption = nil
        copy.drill = nil
        return copy
    }

    /// Pretty, key-sorted JSON with ISO 8601 UTC dates.
    public func encoded() throws -> Data {
        try Self.jsonEncoder(pretty: true).encode(self)
    }

    /// Decodes a manifest written by `encoded()`.
    public static func decode(_ data: Data) throws -> BackupManifest {
        try jsonDecoder().decode(BackupManifest.self, from: data)
    }

    /// The manifests' JSON writer: key-sorted, slashes unescaped, dates as ISO 8601 UTC text.
    /// Anything that embeds a manifest in its own JSON uses it, so the manifest reads there as it
    /// does in its sidecar.
    public static func jsonEncoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        let compact: JSONEncoder.OutputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.outputFormatting = pretty ? compact.union(.prettyPrinted) : compact
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(BackupTimestamp.iso8601(date))
        }
        return encoder
    }

    /// The manifests' JSON reader: dates must be ISO 8601 UTC text, as `jsonEncoder(pretty:)`
    /// writes them.
    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = BackupTimestamp.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text)\" is not an ISO 8601 UTC time")
            }
            return date
        }
        return decoder
    }
}

/// The etcd member a snapshot was streamed from.
public struct BackupSourceMember: Codable, Sendable, Hashable {
    /// The member ID as etcdctl's tables print it (hex), so JSON readers need no 64-bit integers.
    public var id: String
    /// The member's name, when the scheduler knows it.
    public var name: String?
    /// The client endpoint the snapshot was streamed from.
    public var endpoint: String
    /// True if the member led the cluster when the snapshot began (only when no follower answered).
    public var wasLeader: Bool

    public init(id: String, name: String?, endpoint: String, wasLeader: Bool) {
        self.id = id
        self.name = name
        self.endpoint = endpoint
        self.wasLeader = wasLeader
    }

    enum CodingKeys: String, CodingKey {
        case id, name, endpoint
        case wasLeader = "was_leader"
    }
}

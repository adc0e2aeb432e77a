import ArgumentParser
import Backup
import Foundation

/// `inspect <archive>`: what a backup holds, after verifying it.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Show a backup's revision, sizes, cluster, source member, creation time and key count.",
        discussion: """
            The archive is verified as by `verify`. "Stored keys" is etcd's snapshot status totalKey: every stored \
            revision of every key plus etcd's own records. --count-keys restores the backup into a temporary \
            data dir, starts a throwaway etcd member on free loopback ports and counts the live keys, which also \
            proves that the backup restores.

            \(RestoreExitCode.helpText)
            """)

    @Argument(
        help: ArgumentHelp(
            "The .tar.zst archive, or a backup in an object store: s3://bucket/prefix/<id>.",
            valueName: "archive"))
    var archive: String

    @Flag(
        name: .long,
        help: "Count the live keys on a throwaway etcd member restored from the backup.")
    var countKeys = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tools: ToolOptions
    @OptionGroup var scratch: ScratchOptions

    func validate() throws {
        try store.check(archive)
    }

    func run() async throws {
        let storeOptions = store
        let (path, toolDirectory, scratchParent, countKeys) = (
            archive, tools.etcdBinDir, scratch.scratchDir, countKeys
        )
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            try await StoreArchive.with(path, options: storeOptions) {
                archive throws(RestoreFailure) in
                var census: ThrowawayMember.Census?
                let report = try await ArchiveCheck.run(
                    archive, toolDirectory: toolDirectory, scratchParent: scratchParent,
                    console: console
                ) { report, database throws(RestoreFailure) in
                    guard countKeys else { return }
                    console.progress(
                        "counting keys on a throwaway etcd member restored from the backup…")
                    census = try await ThrowawayMember.census(ofChecked: database, report: report)
                }
                let document = InspectDocument(report, liveKeys: census?.liveKeys)
                console.document(document)
                for line in document.lines { console.result(line) }
            }
        }
    }
}

/// `inspect`'s answer, as JSON and as aligned text.
struct InspectDocument: Encodable {
    var archive: String
    var id: String
    var clusterName: String
    var clusterEpoch: Int
    var createdAt: Date
    var sourceMember: BackupSourceMember
    /// The revision the manifest recorded (just before the snapshot began).
    var revision: Int64
    /// The revision etcd's tool reads in the database (at least `revision`).
    var snapshotRevision: Int64
    var etcdVersion: String
    var raftIndex: UInt64
    var raftTerm: UInt64
    var dbSize: UInt64
    var dbSHA256: String
    var archiveSize: UInt64?
    var archiveSHA256: String?
    var compression: String
    var compressionLevel: Int
    /// snapshot status `totalKey`.
    var storedKeys: Int
    /// Live keys on a throwaway member (`--count-keys`).
    var liveKeys: Int64?

    init(_ report: ArchiveReport, liveKeys: Int64?) {
        let manifest = report.manifest
        archive = report.archive
        id = manifest.id
        clusterName = manifest.clusterName
        clusterEpoch = manifest.clusterEpoch
        createdAt = manifest.createdAt
        sourceMember = manifest.sourceMember
        revision = manifest.revision
        snapshotRevision = report.status.revision
        etcdVersion = manifest.etcdVersion
        raftIndex = manifest.raftIndex
        raftTerm = manifest.raftTerm
        dbSize = manifest.dbSize
        dbSHA256 = manifest.dbSHA256
        archiveSize = manifest.archiveSize
        archiveSHA256 = manifest.archiveSHA256
        compression = manifest.compression
        compressionLevel = manifest.compressionLevel
        storedKeys = report.status.totalKey
        self.liveKeys = liveKeys
    }

    enum CodingKeys: String, CodingKey {
        case archive, id, revision, compression
        case clusterName = "cluster_name"
        case clusterEpoch = "cluster_epoch"
        case createdAt = "created_at"
        case sourceMember = "source_member"
        case snapshotRevision = "snapshot_revision"
        case etcdVersion = "etcd_version"
        case raftIndex = "raft_index"
        case raftTerm = "raft_term"
        case dbSize = "db_size"
        case dbSHA256 = "db_sha256"
        case archiveSize = "archive_size"
        case archiveSHA256 = "archive_sha256"
        case compressionLevel = "compression_level"
        case storedKeys = "stored_keys"
        case liveKeys = "live_keys"
    }

    var lines: [String] {
        let member =
            [sourceMember.name, "id \(sourceMember.id)", sourceMember.endpoint].compactMap { $0 }
            .joined(separator: ", ") + (sourceMember.wasLeader ? ", the leader" : "")
        var rows: [(String, String)] = [
            ("backup", id),
            ("cluster", "\(clusterName) (epoch \(clusterEpoch))"),
            ("created at", BackupTable.createdAt(createdAt) + " UTC"),
            ("source member", member),
            ("revision", "\(revision) (the database holds revision \(snapshotRevision))"),
            ("etcd version", etcdVersion),
            ("raft", "index \(raftIndex), term \(raftTerm)"),
            ("database", "\(ByteCount.format(dbSize)) (\(dbSize) bytes), SHA-256 \(dbSHA256)"),
            (
                "archive",
                "\(archiveSize.map(ByteCount.format) ?? "-"), \(compression) level \(compressionLevel)"
            ),
            ("stored keys", "\(storedKeys) (every revision of every key, plus etcd's own records)"),
        ]
        if let liveKeys {
            rows.append(
                (
                    "live keys",
                    "\(liveKeys) (counted on a throwaway member restored from the backup)"
                ))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
    }
}

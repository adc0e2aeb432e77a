import ArgumentParser
import Backup

/// `verify <archive>`: every check an archive can get without starting etcd.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify an archive: manifest, SHA-256s, zstd and tar integrity, and etcd's snapshot status.",
        discussion: """
            Checks the manifest inside against the sidecar <archive>.json when there is one (size, SHA-256, ID, \
            cluster, revision), etcd's SHA-256 of the database, the zstd frames and the tar, then extracts the \
            database to a temporary directory (always removed) and runs `etcdutl snapshot status` (etcd 3.5+) or \
            `etcdctl snapshot status` (etcd 3.4), whose revision and size must agree with the manifest.

            \(RestoreExitCode.helpText)
            """)

    @Argument(
        help: ArgumentHelp(
            "The .tar.zst archive, or a backup in an object store: s3://bucket/prefix/<id>.",
            valueName: "archive"))
    var archive: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tools: ToolOptions
    @OptionGroup var scratch: ScratchOptions

    func validate() throws {
        try store.check(archive)
    }

    func run() async throws {
        let storeOptions = store
        let (path, toolDirectory, scratchParent) = (archive, tools.etcdBinDir, scratch.scratchDir)
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            try await StoreArchive.with(path, options: storeOptions) {
                archive throws(RestoreFailure) in
                let report = try await ArchiveCheck.run(
                    archive, toolDirectory: toolDirectory, scratchParent: scratchParent,
                    console: console)
                console.document(VerifyDocument(report))
                for line in Self.lines(report) { console.result(line) }
            }
        }
    }

    static func lines(_ report: ArchiveReport) -> [String] {
        let manifest = report.manifest
        return [
            "verified \(report.archive)",
            report.sidecarPath.map {
                "  ok  sidecar \($0): archive size and SHA-256, ID, cluster, revision agree"
            }
                ?? "  --  no sidecar manifest beside the archive; checked the manifest inside only",
            "  ok  zstd frames and tar entries intact (\(ByteCount.format(manifest.archiveSize ?? 0)) archive)",
            "  ok  archive SHA-256 \(manifest.archiveSHA256 ?? "-")",
            "  ok  database SHA-256 \(manifest.dbSHA256) matches etcd's trailer and the manifest "
                + "(\(ByteCount.format(manifest.dbSize)))",
            "  ok  \(report.tool) snapshot status: revision \(report.status.revision), "
                + "\(report.status.totalKey) stored keys, hash \(report.status.hash)",
            "backup \(manifest.id) of cluster \(manifest.clusterName) (epoch \(manifest.clusterEpoch)) is good",
        ]
    }
}

/// `verify --json`.
struct VerifyDocument: Encodable {
    var ok = true
    var archive: String
    var sidecar: String?
    var manifest: BackupManifest
    var snapshotStatus: SnapshotStatusDocument

    init(_ report: ArchiveReport) {
        archive = report.archive
        sidecar = report.sidecarPath
        manifest = report.manifest
        snapshotStatus = SnapshotStatusDocument(tool: report.tool, status: report.status)
    }

    enum CodingKeys: String, CodingKey {
        case ok, archive, sidecar, manifest
        case snapshotStatus = "snapshot_status"
    }
}

/// What etcd's tool said, in the CLI's JSON style.
struct SnapshotStatusDocument: Encodable {
    var tool: String
    var hash: UInt32
    var revision: Int64
    var totalKey: Int
    var totalSize: Int64

    init(tool: SnapshotTool, status: SnapshotFileStatus) {
        self.tool = tool.description
        hash = status.hash
        revision = status.revision
        totalKey = status.totalKey
        totalSize = status.totalSize
    }

    enum CodingKeys: String, CodingKey {
        case tool, hash, revision
        case totalKey = "total_key"
        case totalSize = "total_size"
    }
}

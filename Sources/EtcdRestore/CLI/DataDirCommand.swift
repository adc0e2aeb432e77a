import ArgumentParser
import Backup

/// `data-dir <archive> --name … --initial-cluster … --initial-advertise-peer-urls … --data-dir …`.
struct DataDirCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data-dir",
        abstract:
            "Restore one member's data dir from an archive, offline, with etcd's own restore tool.",
        discussion: """
            Verifies the archive, then runs `etcdutl snapshot restore` (etcd 3.5+) or `etcdctl snapshot restore` \
            (etcd 3.4) into a hidden directory beside the target and renames it into place, so the target appears \
            only when the restore succeeded. The target must not exist or be an empty directory; anything else is \
            refused untouched. Restore every member of a new cluster from the same archive with the same \
            --initial-cluster and --initial-cluster-token, then start them; etcd takes the membership from the data \
            dir. Where the tool has them, --bump-revision and --mark-compacted are passed, so that watchers of the \
            old cluster re-list instead of silently missing events.

            \(RestoreExitCode.helpText)
            """)

    @Argument(
        help: ArgumentHelp(
            "The .tar.zst archive, or a backup in an object store: s3://bucket/prefix/<id>.",
            valueName: "archive"))
    var archive: String

    @Option(name: .long, help: "This member's name (must appear in --initial-cluster).")
    var name: String

    @Option(
        name: .long,
        help: ArgumentHelp("Every member of the new cluster: name=peerURL,…", valueName: "members"))
    var initialCluster: String

    @Option(
        name: .long,
        help: ArgumentHelp("This member's peer URLs, as in --initial-cluster.", valueName: "urls"))
    var initialAdvertisePeerUrls: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The data dir to create (absent, or an empty directory).", valueName: "dir"))
    var dataDir: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The new cluster's token; default <cluster>-restore-<first 12 hex of the database SHA-256>, the same for "
                + "every member restored from this archive.", valueName: "token"))
    var initialClusterToken: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Raise the revision by this much after restore, where the tool supports it (0: never).",
            valueName: "n"))
    var bumpRevision: UInt64 = SnapshotRestoreCommand.standardRevisionBump

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var tools: ToolOptions

    var settings: RestoreMemberSettings {
        RestoreMemberSettings(
            name: name, initialCluster: initialCluster,
            initialAdvertisePeerURLs: initialAdvertisePeerUrls,
            initialClusterToken: initialClusterToken ?? "", bumpRevision: bumpRevision)
    }

    func validate() throws {
        try store.check(archive)
        var check = settings
        if initialClusterToken == nil { check.initialClusterToken = "derived" }
        if let problem = check.problem() { throw ValidationError(problem) }
        guard !dataDir.isEmpty else { throw ValidationError("--data-dir is empty") }
    }

    func run() async throws {
        let storeOptions = store
        let (path, target, member, toolDirectory) = (archive, dataDir, settings, tools.etcdBinDir)
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            try await StoreArchive.with(path, options: storeOptions) {
                archive throws(RestoreFailure) in
                let restore = DataDirRestore(
                    archive: archive, target: target, member: member, toolDirectory: toolDirectory)
                let result = try await restore.run(console: console)
                console.document(DataDirDocument(result))
                for line in DataDirDocument(result).lines { console.result(line) }
            }
        }
    }
}

/// `data-dir`'s answer.
struct DataDirDocument: Encodable {
    var ok = true
    var dataDir: String
    var backup: String
    var revision: Int64
    var name: String
    var initialCluster: String
    var initialClusterToken: String
    var tool: String
    var bumpRevision: UInt64?
    var markCompacted: Bool

    init(_ result: DataDirRestore.Result) {
        dataDir = result.dataDir
        backup = result.manifest.id
        revision = result.manifest.revision
        name = result.member.name
        initialCluster = result.member.initialCluster
        initialClusterToken = result.member.initialClusterToken
        tool = result.tool.description
        bumpRevision = result.bumpedRevisionBy
        markCompacted = result.markedCompacted
    }

    enum CodingKeys: String, CodingKey {
        case ok, backup, revision, name, tool
        case dataDir = "data_dir"
        case initialCluster = "initial_cluster"
        case initialClusterToken = "initial_cluster_token"
        case bumpRevision = "bump_revision"
        case markCompacted = "mark_compacted"
    }

    var lines: [String] {
        [
            "restored member \(name) into \(dataDir) from backup \(backup) (revision \(revision)) with \(tool)",
            "  initial cluster \(initialCluster), token \(initialClusterToken)",
            bumpRevision.map {
                "  revision bumped by \($0)"
                    + (markCompacted ? ", old revisions marked compacted" : "")
            }
                ?? "  \(tool) has no --bump-revision: revisions continue from the snapshot's",
            "start it with: etcd --name \(name) --data-dir \(dataDir) and this member's peer and client URLs",
        ]
    }
}

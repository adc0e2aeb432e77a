/// The one way to write the arguments of `snapshot restore` for a member, for etcd 3.5's
/// `etcdutl` and etcd 3.4's `etcdctl`: the executor's restore and the restore CLI both build their
/// command here.
///
/// A revision bump is passed only where the tool's `snapshot restore` has both `--bump-revision`
/// and `--mark-compacted`, and then always with both: etcd refuses a bump whose old revisions are
/// not marked compacted, and with the mark, watchers of the old cluster see a compaction and list
/// again instead of missing what changed after the snapshot. etcd 3.4 and etcdutl 3.5.1 have
/// neither flag.
public struct SnapshotRestoreCommand: Sendable, Hashable {
    public var tool: SnapshotToolKind
    /// True when the tool's `snapshot restore` has `--bump-revision` and `--mark-compacted`.
    public var canBumpRevision: Bool

    /// The bump both restores ask for: far above any revision a cluster reaches between two
    /// backups.
    public static let standardRevisionBump: UInt64 = 1_000_000_000

    /// The arguments that print the help `canBumpRevision(help:)` reads.
    public static let helpArguments = ["snapshot", "restore", "--help"]

    public init(tool: SnapshotToolKind, canBumpRevision: Bool) {
        self.tool = tool
        self.canBumpRevision = canBumpRevision
    }

    /// The command for `tool`, whose `snapshot restore --help` printed `restoreHelp`.
    public init(tool: SnapshotToolKind, restoreHelp: String) {
        self.init(tool: tool, canBumpRevision: Self.canBumpRevision(help: restoreHelp))
    }

    /// True when `help` (what `snapshot restore --help` printed) lists both `--bump-revision` and
    /// `--mark-compacted`; a tool with only one of them gets neither.
    public static func canBumpRevision(help: String) -> Bool {
        help.contains("--bump-revision") && help.contains("--mark-compacted")
    }

    /// The bump the arguments will carry for `requested`: it when the tool can bump and it is above
    /// 0, otherwise nil (no bump, no compaction mark).
    public func revisionBump(for requested: UInt64?) -> UInt64? {
        guard canBumpRevision, let requested, requested > 0 else { return nil }
        return requested
    }

    /// The arguments after the tool's path: restore `snapshot` for `member` into `dataDirectory`
    /// (which must not exist yet; both tools refuse an existing one), bumped by
    /// `revisionBump(for:)`.
    ///
    /// `hashVerified`: the snapshot came out of `BackupArchiveReader.verify`, which checked etcd's trailing
    /// SHA-256 against the database (and the database against the manifest) while extracting it. The tool
    /// then skips its own check of that same hash (`--skip-hash-check`), a second full read of the database
    /// that costs etcd 3.4's etcdctl about 0.9 s of CPU per 300 MB; it still cuts the hash off the file.
    public func arguments(
        snapshot: String, member: Member, dataDirectory: String, revisionBump requested: UInt64?,
        hashVerified: Bool = false
    ) -> [String] {
        var arguments = [
            "snapshot", "restore", snapshot,
            "--name", member.name,
            "--data-dir", dataDirectory,
            "--initial-cluster", member.initialCluster,
            "--initial-cluster-token", member.clusterToken,
            "--initial-advertise-peer-urls", member.peerURL,
        ]
        if hashVerified { arguments.append("--skip-hash-check") }
        if let bump = revisionBump(for: requested) {
            arguments += ["--bump-revision", "\(bump)", "--mark-compacted"]
        }
        return arguments
    }

    /// What a member's restore needs besides the snapshot.
    public struct Member: Sendable, Hashable {
        public var name: String
        /// `name1=http://host:port,name2=…`: every member of the restored cluster.
        public var initialCluster: String
        public var clusterToken: String
        /// This member's advertised peer URL (several comma-separated), as in `initialCluster`.
        public var peerURL: String

        public init(name: String, initialCluster: String, clusterToken: String, peerURL: String) {
            self.name = name
            self.initialCluster = initialCluster
            self.clusterToken = clusterToken
            self.peerURL = peerURL
        }
    }
}

import Backup
import Foundation
import Testing

@Suite("snapshot restore: one command line for etcd 3.4's etcdctl and 3.5's etcdutl")
struct SnapshotRestoreCommandTests {
    static let member = SnapshotRestoreCommand.Member(
        name: "m1", initialCluster: "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380",
        clusterToken: "t-7", peerURL: "http://10.0.0.1:2380")

    static let restore = [
        "snapshot", "restore", "/s/snapshot.db",
        "--name", "m1",
        "--data-dir", "/d/data",
        "--initial-cluster", "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380",
        "--initial-cluster-token", "t-7",
        "--initial-advertise-peer-urls", "http://10.0.0.1:2380",
    ]
    static let bumped = ["--bump-revision", "1000000000", "--mark-compacted"]

    /// What a newer etcdutl 3.5's `snapshot restore --help` lists, abridged.
    static let etcdutlHelp = """
              --bump-revision uint      How much to increase the latest revision after restore
              --data-dir string         Path to the output data directory
              --mark-compacted          Mark the latest revision after restore as the point of \
        scheduled compaction (required if --bump-revision > 0, disallowed otherwise)
        """

    /// What etcdctl 3.4's `snapshot restore --help` lists, abridged.
    static let etcdctlHelp = """
              --data-dir=""             Path to the data directory
              --initial-advertise-peer-urls="http://localhost:2380"
              --skip-hash-check[=false] Ignore snapshot integrity hash value
        """

    func arguments(_ command: SnapshotRestoreCommand, bump: UInt64?) -> [String] {
        command.arguments(
            snapshot: "/s/snapshot.db", member: Self.member, dataDirectory: "/d/data",
            revisionBump: bump)
    }

    @Test("etcd 3.4's etcdctl restores without a revision bump, whatever is asked")
    func etcd34() {
        let command = SnapshotRestoreCommand(tool: .etcdctl, restoreHelp: Self.etcdctlHelp)
        let standard = SnapshotRestoreCommand.standardRevisionBump
        #expect(!command.canBumpRevision)
        #expect(arguments(command, bump: standard) == Self.restore)
        #expect(command.revisionBump(for: standard) == nil)
    }

    @Test("etcd 3.5's etcdutl bumps the revision and always marks it compacted")
    func etcd35() {
        let command = SnapshotRestoreCommand(tool: .etcdutl, restoreHelp: Self.etcdutlHelp)
        let standard = SnapshotRestoreCommand.standardRevisionBump
        #expect(command.canBumpRevision)
        #expect(arguments(command, bump: standard) == Self.restore + Self.bumped)
        #expect(
            arguments(command, bump: 5)
                == Self.restore + ["--bump-revision", "5", "--mark-compacted"])
        #expect(command.revisionBump(for: 5) == 5)
    }

    @Test("no bump asked (nil or 0) means neither flag", arguments: [nil, 0] as [UInt64?])
    func noBumpAsked(_ bump: UInt64?) {
        let command = SnapshotRestoreCommand(tool: .etcdutl, canBumpRevision: true)
        #expect(arguments(command, bump: bump) == Self.restore)
        #expect(command.revisionBump(for: bump) == nil)
    }

    @Test("etcd's own hash check is skipped only for a snapshot whose hash was verified already")
    func hashCheck() {
        let command = SnapshotRestoreCommand(tool: .etcdctl, canBumpRevision: false)
        #expect(!arguments(command, bump: nil).contains("--skip-hash-check"))
        let verified = command.arguments(
            snapshot: "/s/snapshot.db", member: Self.member, dataDirectory: "/d/data",
            revisionBump: nil, hashVerified: true)
        #expect(verified == Self.restore + ["--skip-hash-check"])
    }

    @Test("a tool that lists only one of the two flags gets neither (etcd refuses a bump alone)")
    func halfSupportIsNoSupport() {
        #expect(!SnapshotRestoreCommand.canBumpRevision(help: "  --bump-revision uint"))
        #expect(!SnapshotRestoreCommand.canBumpRevision(help: "  --mark-compacted"))
        let command = SnapshotRestoreCommand(tool: .etcdutl, restoreHelp: "  --bump-revision uint")
        #expect(arguments(command, bump: 1000) == Self.restore)
    }

    @Test("etcdutl is preferred where both tools sit in the directory; etcdctl alone is taken")
    func toolDetection() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("snapshot-tools-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func install(_ kind: SnapshotToolKind) throws {
            let path = kind.path(in: directory)
            try "#!/bin/sh\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: path)
        }

        #expect(SnapshotToolKind.locate(in: directory) == nil)
        try install(.etcdctl)
        #expect(SnapshotToolKind.locate(in: directory)?.kind == .etcdctl)
        #expect(SnapshotToolKind.locate(in: directory)?.path == directory + "/etcdctl")
        try install(.etcdutl)
        #expect(SnapshotToolKind.locate(in: directory)?.kind == .etcdutl)
    }
}

import EtcdMesosTesting
import Foundation
import Testing

/// A damaged or wrong file where an archive should be, made from a good one.
enum BadArchive: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case corrupt, truncated, empty, notAnArchive, swappedBehindSidecar

    var testDescription: String { rawValue }

    /// What the CLI must say about it.
    var expectedMessage: String {
        switch self {
        case .corrupt: "is corrupt"
        case .truncated: "is truncated"
        case .empty: "is empty (0 bytes)"
        case .notAnArchive: "is not a backup archive (a zstd-compressed tar)"
        case .swappedBehindSidecar: "changed since it was written"
        }
    }

    /// Writes the bad file (and for `swappedBehindSidecar` a sidecar) into `directory`; returns its path.
    func make(in directory: String, from fixture: BackupFixture) throws -> String {
        let name =
            self == .swappedBehindSidecar
            ? fixture.older.archiveFileName : fixture.newer.archiveFileName
        let path = "\(directory)/\(name)"
        let good = try Data(contentsOf: URL(fileURLWithPath: fixture.newerArchive))
        switch self {
        case .corrupt:
            var bytes = good
            for offset in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 1) {
                bytes[offset] ^= 0x5a
            }
            try bytes.write(to: URL(fileURLWithPath: path))
        case .truncated:
            try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: path))
        case .empty:
            try Data().write(to: URL(fileURLWithPath: path))
        case .notAnArchive:
            try Data("this is a shopping list, not a backup\n".utf8).write(
                to: URL(fileURLWithPath: path))
        case .swappedBehindSidecar:
            // The newer backup's archive under the older one's name, beside the older one's sidecar.
            try FileManager.default.copyItem(atPath: fixture.newerArchive, toPath: path)
            try FileManager.default.copyItem(
                atPath: fixture.olderArchive + ".json", toPath: path + ".json")
        }
        return path
    }
}

extension RestoreCLITests {
    @Test(
        "verify of a bad file names the problem, exits 1, and changes nothing",
        arguments: BadArchive.allCases)
    func verifyRefusesBadFile(_ bad: BadArchive) async throws {
        let fixture = try BackupFixture.require()
        let files = try TemporaryDirectory(prefix: "restore-bad")
        let scratch = try TemporaryDirectory(prefix: "restore-bad-tmp")
        defer {
            files.remove()
            scratch.remove()
        }
        let path = try bad.make(in: files.path, from: fixture)
        let before = try DirectoryState(of: files.path)
        for arguments in [["verify", path], ["verify", path, "--json"], ["inspect", path]] {
            let result = try await runRestoreCLI(arguments, temporaryDirectory: scratch.path)
            #expect(result.exitCode == 1, "\(arguments): \(result)")
            #expect(result.stderr.contains("etcd-mesos-restore: error:"), "\(result)")
            #expect(result.stderr.contains(path), "\(result)")
            #expect(result.stderr.contains(bad.expectedMessage), "\(result)")
            if arguments.contains("--json") {
                let document = try result.jsonObject()
                #expect(document["ok"] as? Bool == false)
                #expect(document["exit_code"] as? Int == 1)
                #expect(
                    (document["error"] as? String)?.contains(bad.expectedMessage) == true,
                    "\(result)")
            } else {
                #expect(result.stdout.isEmpty, "\(result)")
            }
        }
        #expect(try DirectoryState(of: files.path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("verify of a missing file or a directory names it and exits 1")
    func verifyRefusesMissingFile() async throws {
        let scratch = try TemporaryDirectory(prefix: "restore-missing")
        defer { scratch.remove() }
        let missing = try await runRestoreCLI(["verify", scratch.appending("nothing.tar.zst")])
        #expect(missing.exitCode == 1, "\(missing)")
        #expect(
            missing.stderr.contains("\(scratch.appending("nothing.tar.zst")): no such file"),
            "\(missing)")
        let directory = try await runRestoreCLI(["verify", scratch.path])
        #expect(directory.exitCode == 1, "\(directory)")
        #expect(directory.stderr.contains("it is a directory"), "\(directory)")
    }
}

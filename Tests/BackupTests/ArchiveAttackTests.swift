import Foundation
import Testing

@testable import Backup

/// Hostile archives, one test per attack: each is refused with a typed error naming what was found, quickly,
/// and leaves nothing behind (no extracted database, no partial file).
@Suite("Archive attacks are refused before they cost disk or time")
struct ArchiveAttackTests {
    let snapshot = SyntheticSnapshot(databaseBytes: 3000, seed: 7)

    private var manifest: [UInt8] { (try? manifestJSON(for: snapshot)) ?? [] }

    /// A tar with the manifest first, then `rest`.
    private func archive(_ rest: (inout HostileTar) -> Void) throws -> [UInt8] {
        var tar = HostileTar()
        tar.add("manifest.json", manifest)
        rest(&tar)
        return try zstdFrame(tar.bytes)
    }

    @Test("a well-formed hostile archive is accepted: the builder itself is sound")
    func controlArchiveIsAccepted() async throws {
        try await withBackupDirectory { _, scratch in
            let bytes = try archive { tar in
                tar.add("snapshot.db", snapshot.snapshot)
                tar.end()
            }
            let path = scratch + "/control.tar.zst"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let verified = try BackupArchiveReader(path: path).verify()
            #expect(verified.manifest.dbSHA256 == snapshot.sha256)
        }
    }

    @Test(
        "zstd bomb: 1 GiB of zeros in ~33 KB whose manifest says db_size 1 MB is refused in under a second"
    )
    func zstdBomb() async throws {
        let dbSize = 1_000_000
        let bomb = SyntheticSnapshot(databaseBytes: dbSize, seed: 1)
        var head = HostileTar()
        head.add("manifest.json", try manifestJSON(for: bomb))
        head.append(
            TarHeader(name: "snapshot.db", size: (1 << 30) + 32).encoded())
        let bytes = try await zstdFrame(head.bytes, thenZeros: 1 << 30)
        #expect(bytes.count < 64 * 1024, "the bomb is \(bytes.count) bytes")
        let (error, elapsed, path) = try await refuseArchive(bytes)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        #expect(
            error
                == .entrySizeMismatch(
                    path: path, entry: "snapshot.db", declared: (1 << 30) + 32,
                    expected: UInt64(dbSize) + 32), "\(error)")
        #expect("\(error)".contains("declares 1073741856 bytes"))
    }

    @Test(
        "zstd bomb whose header agrees with its manifest: cut at db_size, refused by the hash, in under a second"
    )
    func zstdBombBehindAnHonestHeader() async throws {
        let bomb = SyntheticSnapshot(databaseBytes: 1_000_000, seed: 1)
        var head = HostileTar()
        head.add("manifest.json", try manifestJSON(for: bomb))
        head.append(TarHeader(name: "snapshot.db", size: 1_000_032).encoded())
        let (error, elapsed, _) = try await refuseArchive(
            try await zstdFrame(head.bytes, thenZeros: 1 << 30))
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        guard case .databaseHashMismatch = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
    }

    @Test("duplicate snapshot.db entries are refused")
    func duplicateDatabase() async throws {
        let bytes = try archive { tar in
            tar.add("snapshot.db", snapshot.snapshot)
            tar.add("snapshot.db", snapshot.snapshot)
            tar.end()
        }
        let (error, _, path) = try await refuseArchive(bytes)
        #expect(error == .duplicateEntry(path: path, entry: "snapshot.db"), "\(error)")
        #expect("\(error)".contains("holds snapshot.db twice"))
    }

    @Test("duplicate manifest.json entries are refused")
    func duplicateManifest() async throws {
        let bytes = try archive { tar in
            tar.add("manifest.json", manifest)
            tar.add("snapshot.db", snapshot.snapshot)
            tar.end()
        }
        let (error, _, path) = try await refuseArchive(bytes)
        #expect(error == .duplicateEntry(path: path, entry: "manifest.json"), "\(error)")
    }

    @Test(
        "an unexpected entry is refused", arguments: ["evil.sh", "../snapshot.db", "./snapshot.db"])
    func unexpectedEntry(name: String) async throws {
        let bytes = try archive { tar in
            tar.add(name, Array("#!/bin/sh\nrm -rf /\n".utf8))
            tar.add("snapshot.db", snapshot.snapshot)
            tar.end()
        }
        let (error, _, path) = try await refuseArchive(bytes)
        #expect(error == .unexpectedEntry(path: path, entry: name), "\(error)")
        #expect("\(error)".contains("unexpected entry \"\(name)\""))
    }

    @Test(
        "a symlink, hard link, directory or device entry is refused",
        arguments: [
            ("2", "a symbolic link to /etc/passwd"), ("1", "a hard link to /etc/passwd"),
            ("5", "a directory"), ("3", "a character device"), ("4", "a block device"),
            ("6", "a FIFO"),
        ])
    func nonRegularEntry(typeFlag: String, kind: String) async throws {
        let bytes = try archive { tar in
            tar.add("snapshot.db", [], typeFlag: Character(typeFlag), linkName: "/etc/passwd")
            tar.end()
        }
        let (error, _, path) = try await refuseArchive(bytes)
        #expect(error == .notARegularFile(path: path, entry: "snapshot.db", kind: kind), "\(error)")
        #expect("\(error)".contains("holds \"snapshot.db\" as \(kind)"))
    }
}

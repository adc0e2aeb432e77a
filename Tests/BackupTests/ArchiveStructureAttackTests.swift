import Foundation
import Testing

@testable import Backup

/// Hostile sizes, trailing data and cut-off archives: refused with a typed error before anything is written.
@Suite("Archives with lying sizes, trailing data or a missing end are refused")
struct ArchiveStructureAttackTests {
    let snapshot = SyntheticSnapshot(databaseBytes: 3000, seed: 11)

    /// manifest.json (with `db_size` as given) then a snapshot.db entry that agrees with the real size.
    private func archive(dbSize: String) throws -> [UInt8] {
        var tar = HostileTar()
        let json = try manifestJSON(for: snapshot, dbSize: dbSize)
        #expect(String(decoding: json, as: UTF8.self).contains("\"db_size\" : \(dbSize)"))
        tar.add("manifest.json", json)
        tar.add("snapshot.db", snapshot.snapshot)
        tar.end()
        return try zstdFrame(tar.bytes)
    }

    /// A real archive from the scheduler's writer.
    private func writtenArchive() async throws -> [UInt8] {
        try await withBackupDirectory { backups, _ in
            let manifest = try await writeSyntheticBackup(snapshot, in: backups)
            return Array(
                try Data(contentsOf: URL(fileURLWithPath: "\(backups)/\(manifest.archiveFileName)"))
            )
        }
    }

    @Test("a negative db_size is refused before anything is written")
    func negativeDatabaseSize() async throws {
        let (error, _, path) = try await refuseArchive(try archive(dbSize: "-1"))
        #expect(
            error
                == .implausibleDatabaseSize(
                    path: path, claimed: "-1", source: "its manifest", reason: "is negative"),
            "\(error)")
        #expect("\(error)".contains("its manifest says db_size -1, which is negative"))
    }

    @Test(
        "a db_size above 1 TiB is refused before anything is written",
        arguments: ["2199023255552", "18446744073709551615", "1e30"])
    func hugeDatabaseSize(dbSize: String) async throws {
        let (error, _, _) = try await refuseArchive(try archive(dbSize: dbSize))
        guard case .implausibleDatabaseSize(_, _, let source, let reason) = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
        #expect(source == "its manifest")
        #expect(reason.contains("1 TiB"), "\(reason)")
    }

    @Test("a db_size more than the file could expand to at zstd's maximum ratio is refused")
    func databaseSizeBeyondTheCompressionRatio() async throws {
        let bytes = try archive(dbSize: "10000000000")
        let (error, _, _) = try await refuseArchive(bytes)
        guard case .implausibleDatabaseSize(_, let claimed, _, let reason) = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
        #expect(claimed == "10000000000")
        #expect(reason.contains("its \(bytes.count) compressed bytes can expand to"), "\(reason)")
    }

    @Test("a sidecar with an absurd db_size is refused before the archive is read")
    func absurdSidecarSize() async throws {
        let bytes = try await writtenArchive()
        var sidecar = try BackupManifest.decode(Data(try manifestJSON(for: snapshot)))
        sidecar.archiveSize = UInt64(bytes.count)
        sidecar.dbSize = 1 << 41
        let (error, _, _) = try await refuseArchive(bytes, sidecar: sidecar)
        guard case .implausibleDatabaseSize(_, _, let source, _) = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
        #expect(source == "its sidecar")
    }

    @Test("a manifest entry larger than 64 KiB is refused before it is read")
    func oversizedManifest() async throws {
        var tar = HostileTar()
        tar.add("manifest.json", Array(repeating: UInt8(ascii: " "), count: 70_000))
        tar.end()
        let (error, _, path) = try await refuseArchive(try zstdFrame(tar.bytes))
        #expect(
            error
                == .oversizedEntry(path: path, entry: "manifest.json", size: 70_000, limit: 65_536),
            "\(error)")
    }

    @Test("trailing data after the archive's last zstd frame is refused", arguments: [3, 8, 4096])
    func trailingBytesAfterTheLastFrame(count: Int) async throws {
        let bytes = try await writtenArchive() + Array(repeating: 0x41, count: count)
        let (error, _, _) = try await refuseArchive(bytes)
        guard case .trailingData(_, let reason) = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
        #expect(reason.contains("the file goes on after byte"), "\(reason)")
    }

    @Test("a second zstd frame after the tar's end is refused, even a tar of its own")
    func trailingFrame() async throws {
        var extra = HostileTar()
        extra.add("snapshot.db", snapshot.snapshot)
        extra.end()
        let bytes = try await writtenArchive() + (try zstdFrame(extra.bytes))
        let (error, _, _) = try await refuseArchive(bytes)
        guard case .trailingData = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
    }

    @Test("bytes that are not zero after the tar's end marker are refused")
    func trailingBytesInsideTheFrame() async throws {
        var tar = HostileTar()
        tar.add("manifest.json", try manifestJSON(for: snapshot))
        tar.add("snapshot.db", snapshot.snapshot)
        tar.end()
        tar.append(Array("#!/bin/sh\n".utf8))
        let (error, _, path) = try await refuseArchive(try zstdFrame(tar.bytes))
        #expect(
            error
                == .trailingData(
                    path: path, reason: "bytes that are not zero follow the tar's end marker"),
            "\(error)")
    }

    @Test(
        "a truncated archive is refused and leaves no partial database",
        arguments: [10, 100, 50, 99])
    func truncatedArchive(percent: Int) async throws {
        let bytes = try await writtenArchive()
        let cut = percent == 10 || percent == 100 ? percent : bytes.count * percent / 100
        let (error, _, _) = try await refuseArchive(Array(bytes.prefix(cut)))
        guard case .truncated = error else {
            Issue.record("unexpected error at \(cut) of \(bytes.count) bytes: \(error)")
            return
        }
    }

    @Test("a tar that ends inside snapshot.db (in a clean zstd frame) is refused as truncated")
    func tarEndsInsideTheDatabase() async throws {
        var tar = HostileTar()
        tar.add("manifest.json", try manifestJSON(for: snapshot))
        tar.append(TarHeader(name: "snapshot.db", size: UInt64(snapshot.snapshot.count)).encoded())
        tar.append(Array(snapshot.snapshot.prefix(1000)))
        let (error, _, _) = try await refuseArchive(try zstdFrame(tar.bytes))
        guard case .truncated(_, let reason) = error else {
            Issue.record("unexpected error: \(error)")
            return
        }
        #expect(reason.contains("inside snapshot.db"), "\(reason)")
    }
}

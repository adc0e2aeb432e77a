import Backup
import EtcdMesosTesting
import Foundation
import Testing

@Suite("Archive reader refuses what it cannot trust, with a typed error")
struct ArchiveReaderTests {
    @Test(
        "empty, not an archive, truncated, corrupt, tampered, wrong cluster; nothing extracted on failure"
    )
    func damagedArchives() async throws {
        try await withBackupDirectory { backups, scratch in
            let manifest = try await withEtcdCluster(members: 1) { cluster in
                try await writeKeys(
                    count: 100, valueBytes: 3_000, prefix: "r/", to: cluster.members[0].clientURL)
                return try await makeService(
                    directory: backups, cluster: cluster, clusterName: "alpha"
                ).takeBackup()
            }
            let original = try Data(
                contentsOf: URL(fileURLWithPath: "\(backups)/\(manifest.archiveFileName)"))
            var counter = 0
            func verify(
                _ bytes: Data, sidecar: BackupManifest? = nil, cluster: String? = nil
            ) throws -> BackupVerification {
                counter += 1
                let path = "\(scratch)/case\(counter).tar.zst"
                try bytes.write(to: URL(fileURLWithPath: path))
                let destination = "\(scratch)/case\(counter).db"
                return try BackupArchiveReader(path: path).verify(
                    against: sidecar, expectedCluster: cluster, extractDatabaseTo: destination)
            }
            func expectError(
                _ bytes: Data, sidecar: BackupManifest? = nil, cluster: String? = nil,
                _ matches: (BackupArchiveError) -> Bool,
                sourceLocation: SourceLocation = #_sourceLocation
            ) {
                do {
                    _ = try verify(bytes, sidecar: sidecar, cluster: cluster)
                    Issue.record("verification passed", sourceLocation: sourceLocation)
                } catch let error as BackupArchiveError {
                    #expect(
                        matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation
                    )
                    #expect(!"\(error)".isEmpty)
                } catch {
                    Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
                }
                // Nothing is left where the database would have been extracted.
                let destination = "\(scratch)/case\(counter).db"
                #expect(
                    !FileManager.default.fileExists(atPath: destination),
                    sourceLocation: sourceLocation)
                let partials = (try? filesIn(scratch))?.filter { $0.hasSuffix(".partial") }
                #expect(partials == [], sourceLocation: sourceLocation)
            }

            expectError(Data()) { if case .empty = $0 { return true } else { return false } }
            expectError(Data("this is not zstd at all, just text".utf8)) {
                if case .notAnArchive = $0 { return true } else { return false }
            }
            expectError(original.prefix(original.count / 2)) {
                if case .truncated = $0 { return true } else { return false }
            }
            expectError(original.prefix(original.count / 2), sidecar: manifest) {
                if case .truncated(_, let reason) = $0 {
                    return reason.contains("manifest says")
                } else {
                    return false
                }
            }
            expectError(original.prefix(original.count - 3)) {
                if case .truncated = $0 { return true } else { return false }
            }
            var flipped = original
            flipped[flipped.count / 2] ^= 0x40
            expectError(flipped) {
                switch $0 {
                case .corrupt, .databaseHashMismatch: return true
                default: return false
                }
            }
            var tampered = manifest
            tampered.archiveSHA256 = String(repeating: "0", count: 64)
            expectError(original, sidecar: tampered) {
                if case .archiveHashMismatch = $0 { return true } else { return false }
            }
            var otherRevision = manifest
            otherRevision.revision += 1
            expectError(original, sidecar: otherRevision) {
                if case .manifestMismatch(_, let field, _, _) = $0 {
                    return field == "revision"
                } else {
                    return false
                }
            }
            expectError(original, sidecar: manifest, cluster: "beta") {
                if case .wrongCluster(_, let expected, let found) = $0 {
                    return expected == "beta" && found == "alpha"
                }
                return false
            }

            // The intact archive verifies and extracts.
            let verified = try verify(original, sidecar: manifest, cluster: "alpha")
            #expect(verified.manifest == manifest)
            let extracted = try #require(verified.extractedDatabase)
            #expect(try sha256(ofFile: extracted, length: manifest.dbSize) == manifest.dbSHA256)
        }
    }
}

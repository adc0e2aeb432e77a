import Backup
import Foundation

/// A verified archive and what etcd's own tool says about the database inside.
struct ArchiveReport: Sendable {
    var archive: String
    /// The sidecar the archive was checked against, if it had one.
    var sidecarPath: String?
    /// The manifest inside, with the archive's measured size and SHA-256.
    var manifest: BackupManifest
    var tool: SnapshotTool
    var status: SnapshotFileStatus
}

/// The full check of one archive: zstd and tar integrity, etcd's SHA-256 of the database, the manifest inside
/// against the database and the sidecar, then `snapshot status` by etcd's own tool on the extracted database
/// (in a scratch directory that is always removed), whose revision and size must agree with the manifest.
enum ArchiveCheck {
    static func run(
        _ archive: LocalArchive, toolDirectory: String?, scratchParent: String?, console: Console,
        isolation: isolated (any Actor)? = #isolation,
        then continuation: (
            (ArchiveReport, _ database: String) async throws(RestoreFailure) -> Void
        )? = nil
    ) async throws(RestoreFailure) -> ArchiveReport {
        try await ScratchDirectory.with(in: scratchParent) { scratch throws(RestoreFailure) in
            let database = scratch.appending(SnapshotArchiver.databaseEntry)
            console.progress("verifying \(archive.path) (zstd, tar, SHA-256, manifest)…")
            let verification = try await archive.verify(extractTo: database)
            let tool = try await SnapshotTool.locate(in: toolDirectory)
            console.progress("running \(tool) snapshot status on the extracted database…")
            let status = try await tool.status(of: database)
            let manifest = verification.manifest
            guard status.revision >= manifest.revision else {
                throw .snapshotStatusDisagrees(
                    path: archive.path, field: "the revision",
                    manifest: "at least \(manifest.revision)",
                    tool: "\(status.revision)")
            }
            guard status.totalSize == Int64(manifest.dbSize) else {
                throw .snapshotStatusDisagrees(
                    path: archive.path, field: "the database size", manifest: "\(manifest.dbSize)",
                    tool: "\(status.totalSize)")
            }
            let report = ArchiveReport(
                archive: archive.path,
                sidecarPath: archive.sidecar == nil ? nil : archive.sidecarPath,
                manifest: manifest, tool: tool, status: status)
            try await continuation?(report, database)
            return report
        }
    }
}

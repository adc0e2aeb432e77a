import Backup
import Foundation
import Support

/// An archive file named on the command line, and the `<archive>.json` sidecar beside it when there is one.
struct LocalArchive: Sendable {
    let path: String
    /// The sidecar manifest, whose archive size and SHA-256 the file must match.
    let sidecar: BackupManifest?

    var sidecarPath: String { path + ".json" }

    /// Checks that `path` is a regular file and reads its sidecar; refuses an unreadable sidecar (it would hide
    /// the archive from the scheduler's listing).
    init(path: String) throws(RestoreFailure) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .notAFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw .notAFile(
                path: path,
                reason: "it is a directory, not a backup archive (list a directory with `list`)")
        }
        let sidecarPath = path + ".json"
        if let data = FileManager.default.contents(atPath: sidecarPath) {
            do { sidecar = try BackupManifest.decode(data) } catch {
                throw .unreadableSidecar(path: sidecarPath, reason: "\(error)")
            }
        } else {
            sidecar = nil
        }
    }

    /// Verifies the whole archive (see `BackupArchiveReader.verify`), extracting `snapshot.db` to `extractTo`
    /// when given; runs off the cooperative pool.
    func verify(extractTo destination: String? = nil) async throws(RestoreFailure)
        -> BackupVerification
    {
        let path = path
        let sidecar = sidecar
        return try await runBlocking { () throws(RestoreFailure) in
            do throws(BackupArchiveError) {
                return try BackupArchiveReader(path: path).verify(
                    against: sidecar, extractDatabaseTo: destination)
            } catch {
                throw .archive(error)
            }
        }
    }
}

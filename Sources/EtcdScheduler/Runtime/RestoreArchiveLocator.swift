import Backup
import Logging

/// Says where the executors of a restore fetch a backup's archive: straight from the object store through a
/// presigned URL (with that archive's own key when the object is encrypted) when the backup is stored there,
/// so no store credential or backup key goes into a `TaskInfo`; else, or when the store cannot be read now,
/// from the scheduler's admin API (the verified local copy).
struct RestoreArchiveLocator: Sendable {
    /// How long a presigned URL stays valid: the fetch starts when the executor starts, within a minute or two
    /// of the launch, and is bounded by the executor's fetch timeout.
    static let presignedURLLifetime: Duration = .seconds(30 * 60)

    var local: BackupStore
    var remote: RemoteBackups?
    var logger: Logger

    struct Located: Sendable {
        /// The sidecar: the archive's SHA-256 and sizes the executor checks.
        var sidecar: BackupManifest
        /// Nil: the executor fetches from the scheduler.
        var storeDownload: MemberTaskBuilder.StoreDownload?
    }

    /// Backup `id`'s sidecar and where to fetch it; nil when the backup is neither stored nor local.
    func locate(_ id: String) async -> Located? {
        let localSidecar = try? local.entry(id: id).manifest
        guard let remote else { return localSidecar.map { Located(sidecar: $0) } }
        do {
            guard
                let direct = try await remote.directDownload(
                    id, expires: Self.presignedURLLifetime)
            else { return localSidecar.map { Located(sidecar: $0) } }
            var sidecar = direct.manifest
            sidecar.encryption = nil
            return Located(
                sidecar: sidecar,
                storeDownload: MemberTaskBuilder.StoreDownload(
                    url: direct.url,
                    encryption: direct.manifest.encryption.map { encryption in
                        .init(
                            algorithm: encryption.algorithm,
                            archiveKey: direct.archiveKey?.base64 ?? "",
                            chunkSize: encryption.chunkSize,
                            encryptedSize: encryption.encryptedSize)
                    }))
        } catch {
            logger.warning(
                "cannot hand out a store URL for the backup; the executor fetches it from the scheduler",
                metadata: ["id": "\(id)", "error": "\(error)"])
            return localSidecar.map { Located(sidecar: $0) }
        }
    }
}

extension RestoreArchiveLocator.Located {
    init(sidecar: BackupManifest) { self.init(sidecar: sidecar, storeDownload: nil) }
}

import Foundation
import Logging
import ObjectStore
import Support
import Synchronization

/// Backups in an S3-compatible object store, the home that outlives the scheduler's host; the local backup
/// directory is then a staging cache.
///
/// Layout under `s3://bucket/prefix/`: `<id>.tar.zst` and its sidecar `<id>.tar.zst.json`, as in the local
/// directory. The archive goes up first and the sidecar last, so a listed backup always has its archive; a
/// deletion removes the sidecar first. Objects under the prefix that are not a backup pair are foreign: they are
/// reported, never read as backups and never deleted.
///
/// A backup is *stored* once its archive's size and ETag were checked after the upload and its sidecar is up.
/// The local copy of a backup is never deleted before that (`pruneCache`).
public actor RemoteBackups {
    public nonisolated let location: S3Location
    public nonisolated let client: S3Client
    /// The local directory, a staging cache.
    public nonisolated let cache: BackupStore
    /// With a key, archives go up encrypted (`<id>.tar.zst.enc`) and come back decrypted.
    public nonisolated let encryptionKey: BackupEncryptionKey?
    private let logger: Logger

    /// Manifests of the stored backups, by ID, as of the last listing and this process' own changes.
    private var index: [String: BackupManifest] = [:]
    private var statistics: BackupStoreStatistics
    /// Backups chosen for a restore: their local copies are not pruned.
    private var pinned: Set<String> = []
    private let retries = RetryCounter()

    /// The largest sidecar read from the store.
    static let maximumSidecarSize = 64 * 1024

    public init(
        location: S3Location, endpoint: S3Endpoint, region: String, credentials: S3Credentials,
        cache: BackupStore, encryptionKey: BackupEncryptionKey? = nil,
        retry: S3RetryPolicy = .standard,
        logger: Logger = Logger(label: "etcd-mesos.backup-store")
    ) {
        self.encryptionKey = encryptionKey
        let retries = self.retries
        self.location = location
        client = S3Client(
            endpoint: endpoint, bucket: location.bucket, region: region, credentials: credentials,
            retry: retry, onRetry: { _ in retries.count.withLock { $0 += 1 } })
        self.cache = cache
        self.logger = logger
        statistics = BackupStoreStatistics(location: location.description)
    }

    // MARK: Listing

    /// Lists the store and reads every sidecar, replacing the index. A sidecar that cannot be read, or whose
    /// archive is missing or has another size, leaves its backup out (and is reported as foreign).
    @discardableResult
    public func refresh() async throws(ObjectStoreError) -> [BackupManifest] {
        let objects: [S3Client.ObjectInfo]
        do {
            objects = try await client.list(prefix: location.listingPrefix)
        } catch {
            statistics.lastError = "listing \(location): \(error)"
            throw error
        }
        var sidecars: [String: String] = [:]  // id → key
        var archiveObjects: [String: S3Client.ObjectInfo] = [:]  // key → object
        var foreign: [String] = []
        for object in objects {
            let name = String(object.key.dropFirst(location.listingPrefix.count))
            if name.hasSuffix(BackupID.sidecarSuffix), let id = BackupID.id(ofFileName: name) {
                sidecars[id] = object.key
            } else if Self.archiveID(ofName: name) != nil {
                archiveObjects[object.key] = object
            } else {
                foreign.append(object.key)
            }
        }
        var found: [String: BackupManifest] = [:]
        var used: Set<String> = []
        for (id, key) in sidecars {
            do {
                let manifest = try await sidecar(id: id)
                let archiveKey = self.archiveKey(manifest)
                guard let archive = archiveObjects[archiveKey] else {
                    throw ObjectStoreError.noSuchKey(archiveKey)
                }
                let expected = manifest.encryption?.encryptedSize ?? manifest.archiveSize
                if let expected, Int64(expected) != archive.size {
                    throw ObjectStoreError.integrity(
                        key: archive.key,
                        reason: "\(archive.size) bytes, its sidecar says \(expected)")
                }
                found[id] = manifest
                used.insert(archiveKey)
            } catch {
                logger.warning(
                    "a backup in the store cannot be used; it is left out of the listing",
                    metadata: ["key": "\(key)", "error": "\(error)"])
                foreign.append(key)
            }
        }
        // Archives without a (usable) sidecar: an upload cut short, or not ours.
        foreign += archiveObjects.keys.filter { !used.contains($0) }
        index = found
        statistics.storedBackups = found.count
        statistics.foreignObjects = foreign.sorted()
        return manifests()
    }

    /// The object key of `manifest`'s archive: `<id>.tar.zst`, or `<id>.tar.zst.enc` when encrypted.
    func archiveKey(_ manifest: BackupManifest) -> String {
        location.key(
            manifest.id + BackupID.archiveSuffix
                + (manifest.encryption == nil ? "" : Self.encryptedSuffix))
    }

    static let encryptedSuffix = ".enc"

    /// The backup ID of an archive object's name (`<id>.tar.zst` or `<id>.tar.zst.enc`).
    static func archiveID(ofName name: String) -> String? {
        let plain =
            name.hasSuffix(encryptedSuffix) ? String(name.dropLast(encryptedSuffix.count)) : name
        guard plain.hasSuffix(BackupID.archiveSuffix) else { return nil }
        return BackupID.id(ofFileName: plain)
    }

    /// The stored backups, newest first.
    public func manifests() -> [BackupManifest] {
        BackupStore.newestFirst(Array(index.values))
    }

    /// Whether backup `id` is stored (as of the last listing or upload).
    public func isStored(_ id: String) -> Bool { index[id] != nil }

    private func sidecar(id: String) async throws -> BackupManifest {
        let data = try await client.getObject(
            key: location.key(id + BackupID.sidecarSuffix), maximumSize: Self.maximumSidecarSize)
        let manifest = try BackupManifest.decode(data)
        guard manifest.id == id else {
            throw ObjectStoreError.integrity(
                key: location.key(id + BackupID.sidecarSuffix),
                reason: "it describes backup \"\(manifest.id)\"")
        }
        return manifest
    }

    // MARK: Uploads

    /// Uploads every backup of the cache that is not stored yet, oldest first; returns the IDs uploaded. A
    /// failure stops the round (the next round tries again) and is counted and reported.
    @discardableResult
    public func uploadPending() async -> [String] {
        let local: [BackupStore.Entry]
        do { local = try cache.entries() } catch {
            statistics.lastError = "\(error)"
            return []
        }
        let pending = local.filter { index[$0.id] == nil }.reversed()
        statistics.pending = pending.count
        var uploaded: [String] = []
        for entry in pending {
            do {
                try await upload(entry)
                uploaded.append(entry.id)
                statistics.pending -= 1
            } catch {
                statistics.uploadFailures += 1
                statistics.lastError = "uploading \(entry.id): \(error)"
                statistics.lastFailureAt = Date()
                logger.error(
                    "could not upload a backup to the store; the local copy is kept and the upload retried",
                    metadata: ["id": "\(entry.id)", "store": "\(location)", "error": "\(error)"])
                break
            }
        }
        statistics.retries = retries.count.withLock { $0 }
        return uploaded
    }

    private func upload(_ entry: BackupStore.Entry) async throws {
        let started = ContinuousClock.now
        var manifest = entry.manifest
        let plaintextSize = try fileSize(entry.archivePath)
        let stored: S3Client.ObjectInfo
        if let encryptionKey {
            manifest.encryption = EncryptingFileSource.description(
                plaintextSize: plaintextSize, key: encryptionKey)
            stored = try await client.upload(
                key: archiveKey(manifest),
                from: try EncryptingFileSource(path: entry.archivePath, key: encryptionKey))
        } else {
            stored = try await client.upload(
                key: archiveKey(manifest), from: try S3FileSource(path: entry.archivePath))
        }
        let expected = manifest.encryption?.encryptedSize ?? manifest.archiveSize ?? plaintextSize
        if Int64(expected) != stored.size {
            throw ObjectStoreError.integrity(
                key: archiveKey(manifest),
                reason: "stored with \(stored.size) bytes, \(expected) expected")
        }
        try await client.putObject(
            try manifest.encoded(), key: location.key(entry.id + BackupID.sidecarSuffix),
            contentType: "application/json")
        index[entry.id] = manifest
        statistics.uploads += 1
        statistics.storedBackups = index.count
        statistics.lastUploadAt = Date()
        statistics.lastError = nil
        logger.info(
            "backup uploaded to the store",
            metadata: [
                "id": "\(entry.id)", "store": "\(location)", "bytes": "\(stored.size)",
                "encrypted_with": "\(encryptionKey?.id ?? "no key")",
                "seconds": "\((ContinuousClock.now - started).seconds)",
            ])
    }

    // MARK: Fetching

    /// Makes sure backup `id` is in the local cache, downloading and verifying it when it is only in the store.
    /// A download that does not verify (truncated, tampered, another backup's sidecar) is refused and leaves
    /// nothing in the cache.
    /// With `pin`, the local copy is kept out of `pruneCache` (a restore's archive, served to the executors).
    @discardableResult
    public func fetch(_ id: String, pin: Bool = false) async throws -> BackupStore.Entry {
        let id = try BackupID.validate(id)
        if pin { pinned.insert(id) }
        if let entry = try? cache.entry(id: id) { return entry }
        let manifest: BackupManifest
        do { manifest = try await sidecar(id: id) } catch ObjectStoreError.noSuchKey {
            throw BackupStoreError.notFound(id: id)
        }
        // A new host's work dir may not have the cache yet.
        do {
            try FileManager.default.createDirectory(
                atPath: cache.directory, withIntermediateDirectories: true)
        } catch {
            throw BackupStoreError.fileSystem(
                operation: "create the backup directory", path: cache.directory, reason: "\(error)")
        }
        let partial = cache.path(".\(id)\(BackupID.archiveSuffix).fetch\(BackupID.partialSuffix)")
        unlink(partial)
        defer { unlink(partial) }
        let encrypted = partial + Self.encryptedSuffix
        defer { unlink(encrypted) }
        let limit =
            (manifest.encryption?.encryptedSize ?? manifest.archiveSize).map(Int64.init)
            ?? RemoteBackups.maximumArchiveSize
        try await client.download(
            key: archiveKey(manifest), to: manifest.encryption == nil ? partial : encrypted,
            maximumSize: limit)
        let cache = self.cache
        let key = encryptionKey
        var clear = manifest
        clear.encryption = nil  // the cache holds the archive in the clear
        let local = clear
        try await runBlocking { () throws in
            if let encryption = manifest.encryption {
                try ArchiveDecryption.decrypt(
                    encrypted, to: partial, key: key.map { .backupKey($0) }, expected: encryption)
            }
            _ = try BackupArchiveReader(path: partial).verify(against: local)
            let archivePath = cache.path(id + BackupID.archiveSuffix)
            guard rename(partial, archivePath) == 0 else {
                throw BackupStoreError.fileSystem(
                    operation: "move the fetched archive into place", path: archivePath,
                    reason: String(cString: strerror(errno)))
            }
            try DurableFile.writeAtomically(
                try local.encoded(), to: cache.path(id + BackupID.sidecarSuffix))
        }
        index[id] = manifest
        logger.info(
            "fetched a backup from the store into the local cache",
            metadata: ["id": "\(id)", "store": "\(location)"])
        return try cache.entry(id: id)
    }

    /// Records a restore drill in the stored sidecar of backup `id` (when it is stored); a failure to write it
    /// is logged and leaves the stored sidecar as it was.
    public func recordDrill(_ drill: BackupDrill, of id: String) async {
        guard var manifest = index[id] else { return }
        manifest.drill = drill
        do {
            try await client.putObject(
                try manifest.encoded(), key: location.key(id + BackupID.sidecarSuffix),
                contentType: "application/json")
            index[id] = manifest
        } catch {
            logger.warning(
                "cannot record the restore drill in the stored sidecar",
                metadata: ["id": "\(id)", "error": "\(error)"])
        }
    }

    /// A stored backup as an executor fetches it straight from the store.
    public struct DirectDownload: Sendable {
        /// A presigned GET of the archive's object: no credentials of its own, valid for a short while.
        public var url: String
        /// The sidecar as stored (its `encryption` says how the object is sealed).
        public var manifest: BackupManifest
        /// For an encrypted object, the key of that one archive (not the backup key).
        public var archiveKey: ArchiveKey?
    }

    /// A presigned URL, valid for `expires`, of backup `id`'s archive object, with the archive's own key when the
    /// object is encrypted (read from its header with a ranged GET). Nil when `id` is not in the store as far
    /// as this process knows; throws when the store cannot be read or the backup key does not match.
    public func directDownload(_ id: String, expires: Duration) async throws -> DirectDownload? {
        guard let manifest = index[id] else { return nil }
        let key = archiveKey(manifest)
        var archiveKey: ArchiveKey?
        if let encryption = manifest.encryption {
            guard let encryptionKey else {
                throw BackupEncryptionError.keyRequired(keyID: encryption.keyID)
            }
            let header = try await client.getObjectPrefix(
                key: key, count: ArchiveCipher.headerSize)
            archiveKey = try ArchiveCipher.archiveKey(for: encryptionKey, header: header)
        }
        return DirectDownload(
            url: client.presignedGetURL(key: key, expires: expires), manifest: manifest,
            archiveKey: archiveKey)
    }

    /// Without a sidecar's size, the largest archive fetched.
    static let maximumArchiveSize: Int64 = 1 << 40

    // MARK: Retention

    /// Applies `policy` to the stored backups (never the newest; nothing while the newest attempt failed),
    /// deleting sidecar then archive in the store and the local copy; returns the IDs deleted.
    @discardableResult
    public func applyRetention(
        _ policy: RetentionPolicy, now: Date = Date(), newestAttemptFailed: Bool
    )
        async -> [String]
    {
        let doomed = policy.backupsToDelete(
            from: manifests(), now: now, newestAttemptFailed: newestAttemptFailed)
        var deleted: [String] = []
        for backup in doomed {
            do {
                try await client.deleteObject(key: location.key(backup.id + BackupID.sidecarSuffix))
                index[backup.id] = nil
                try await client.deleteObject(key: archiveKey(backup))
                try? cache.delete(id: backup.id)
                deleted.append(backup.id)
            } catch {
                statistics.lastError = "deleting \(backup.id): \(error)"
                logger.error(
                    "retention could not delete a backup in the store",
                    metadata: ["id": "\(backup.id)", "error": "\(error)"])
                break
            }
        }
        statistics.storedBackups = index.count
        return deleted
    }

    /// Deletes local copies of stored backups beyond the newest `keep`; a backup not stored yet is never
    /// deleted here. Returns the IDs removed from the cache.
    @discardableResult
    public func pruneCache(keep: Int) -> [String] {
        guard let local = try? cache.entries() else { return [] }
        var removed: [String] = []
        for entry in local.dropFirst(max(keep, 1))
        where index[entry.id] != nil && !pinned.contains(entry.id) {
            if (try? cache.delete(id: entry.id)) != nil { removed.append(entry.id) }
        }
        return removed
    }

    private func fileSize(_ path: String) throws -> UInt64 {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw BackupStoreError.fileSystem(
                operation: "stat", path: path, reason: String(cString: strerror(errno)))
        }
        return UInt64(status.st_size)
    }

    // MARK: Reporting

    public func currentStatistics() -> BackupStoreStatistics {
        var current = statistics
        current.retries = retries.count.withLock { $0 }
        return current
    }
}

/// Requests the S3 client tried again, counted from its retry callback.
private final class RetryCounter: Sendable {
    let count = Mutex(0)
}

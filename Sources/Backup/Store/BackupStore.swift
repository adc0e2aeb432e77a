import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A local backup directory: `<id>.tar.zst` archives, each with its `<id>.tar.zst.json` sidecar manifest.
///
/// Listing reads only the sidecars, so a backup is visible exactly when its sidecar exists (written last, after
/// the archive was fsynced and renamed). Files being written are hidden `.…partial` files; `prepare()` removes
/// those a crash left behind and moves archives it cannot read into `quarantine/`.
public struct BackupStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    /// A backup on disk.
    public struct Entry: Sendable, Hashable {
        public var manifest: BackupManifest
        public var archivePath: String
        public var manifestPath: String
        public var id: String { manifest.id }
    }

    /// What `prepare()` cleaned up.
    public struct Preparation: Sendable, Hashable {
        /// `.partial` files of writes a crash interrupted, removed.
        public var removedTemporaryFiles: [String] = []
        /// Archives whose sidecar was never written (a crash between the two renames), verified and given one.
        public var recoveredArchives: [String] = []
        /// Archives without a sidecar that could not be read (damaged, or an I/O error), moved into
        /// `<backup-dir>/quarantine/` with their sidecar, if any, never deleted.
        public var quarantinedArchives: [QuarantinedArchive] = []
    }

    /// Creates the directory if needed and cleans up after a crash: removes `.partial` files, gives a verified
    /// sidecar to archives that lack one or whose sidecar cannot be decoded, and quarantines (with their sidecar)
    /// archives it cannot read or whose size differs from their sidecar's. Call it once at start, before
    /// anything writes to the directory. Listed archives are not read end to end (that is `verify`'s job).
    @discardableResult
    public func prepare() throws(BackupStoreError) -> Preparation {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(
                operation: "create the backup directory", path: directory, reason: "\(error)")
        }
        var report = Preparation()
        let names = try fileNames()
        for name in names where name.hasPrefix(".") && name.hasSuffix(BackupID.partialSuffix) {
            unlink(path(name))
            report.removedTemporaryFiles.append(name)
        }
        let sidecars = Set(names.filter { $0.hasSuffix(BackupID.sidecarSuffix) })
        for name in names where name.hasSuffix(BackupID.archiveSuffix) {
            guard let id = BackupID.id(ofFileName: name) else { continue }
            var sidecar: BackupManifest?
            if sidecars.contains(name + ".json") {
                switch scanSidecar(id: id) {
                case .listed: continue
                case .unreadable: sidecar = nil
                case .sizeDiffers(let manifest): sidecar = manifest
                }
            }
            do {
                let verified = try BackupArchiveReader(path: path(name)).verify(against: sidecar)
                try DurableFile.writeAtomically(
                    try verified.manifest.encoded(), to: path(name) + ".json")
                report.recoveredArchives.append(name)
            } catch {
                report.quarantinedArchives.append(try quarantine(name, reason: "\(error)"))
            }
        }
        if !report.removedTemporaryFiles.isEmpty || !report.quarantinedArchives.isEmpty {
            try? DurableFile.syncDirectory(directory)
        }
        return report
    }

    /// Every backup with a readable sidecar and its archive present, newest first. Unreadable sidecars are
    /// skipped (see `unreadableManifests()`), so one damaged file never hides the others.
    public func list() throws(BackupStoreError) -> [BackupManifest] {
        try entries().map(\.manifest)
    }

    /// `list()` with the files' paths.
    public func entries() throws(BackupStoreError) -> [Entry] {
        var found: [Entry] = []
        for name in try fileNames()
        where name.hasSuffix(BackupID.sidecarSuffix) && !name.hasPrefix(".") {
            guard let id = BackupID.id(ofFileName: name), let entry = try? entry(id: id) else {
                continue
            }
            found.append(entry)
        }
        let order = Self.newestFirst(found.map(\.manifest)).map(\.id)
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return order.compactMap { byID[$0] }
    }

    /// Sidecars `list()` skips because they cannot be decoded, with the reason.
    public func unreadableManifests() throws(BackupStoreError) -> [BackupStoreError] {
        var problems: [BackupStoreError] = []
        for name in try fileNames()
        where name.hasSuffix(BackupID.sidecarSuffix) && !name.hasPrefix(".") {
            guard let id = BackupID.id(ofFileName: name) else { continue }
            do {
                _ = try entry(id: id)
            } catch {
                if case .unreadableManifest = error { problems.append(error) }
            }
        }
        return problems
    }

    /// The backup called `id`. Throws `invalidID` for anything that is not a plain ID (`../x`, `a/b`) and
    /// `notFound` when no such backup exists.
    public func entry(id: String) throws(BackupStoreError) -> Entry {
        let id = try BackupID.validate(id)
        let archivePath = path(id + BackupID.archiveSuffix)
        let manifestPath = path(id + BackupID.sidecarSuffix)
        guard access(archivePath, F_OK) == 0,
            let data = FileManager.default.contents(atPath: manifestPath)
        else {
            throw .notFound(id: id)
        }
        let manifest: BackupManifest
        do { manifest = try BackupManifest.decode(data) } catch {
            throw .unreadableManifest(path: manifestPath, reason: "\(error)")
        }
        guard manifest.id == id else {
            throw .unreadableManifest(
                path: manifestPath, reason: "it describes backup \"\(manifest.id)\"")
        }
        return Entry(manifest: manifest, archivePath: archivePath, manifestPath: manifestPath)
    }

    /// Verifies backup `id` end to end (see `BackupArchiveReader.verify`), optionally extracting its database.
    public func verify(
        id: String, expectedCluster: String? = nil, extractDatabaseTo destination: String? = nil
    ) throws -> BackupVerification {
        let entry = try entry(id: id)
        return try BackupArchiveReader(path: entry.archivePath).verify(
            against: entry.manifest, expectedCluster: expectedCluster,
            extractDatabaseTo: destination)
    }

    /// Deletes backup `id`: the sidecar first (so it leaves listings at once), then the archive.
    public func delete(id: String) throws(BackupStoreError) {
        let entry = try entry(id: id)
        for file in [entry.manifestPath, entry.archivePath]
        where unlink(file) != 0 && errno != ENOENT {
            throw .fileSystem(
                operation: "delete", path: file, reason: String(cString: strerror(errno)))
        }
        try? DurableFile.syncDirectory(directory)
    }

    /// Deletes what `policy` does not keep (see `RetentionPolicy`); returns the IDs deleted.
    @discardableResult
    public func applyRetention(
        _ policy: RetentionPolicy, now: Date = Date(), newestAttemptFailed: Bool
    ) throws(BackupStoreError) -> [String] {
        let doomed = policy.backupsToDelete(
            from: try list(), now: now, newestAttemptFailed: newestAttemptFailed)
        for backup in doomed { try delete(id: backup.id) }
        return doomed.map(\.id)
    }

    /// Newest first: by creation time, then revision, then ID.
    static func newestFirst(_ backups: [BackupManifest]) -> [BackupManifest] {
        backups.sorted { lhs, rhs in
            if lhs.createdAt != rhs.createdAt { return lhs.createdAt > rhs.createdAt }
            if lhs.revision != rhs.revision { return lhs.revision > rhs.revision }
            return lhs.id > rhs.id
        }
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    private func fileNames() throws(BackupStoreError) -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .fileSystem(
                operation: "list the backup directory", path: directory, reason: "\(error)")
        }
    }
}

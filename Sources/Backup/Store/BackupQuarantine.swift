import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An archive the start-up scan could not read, moved aside instead of deleted: a transient I/O error or a disk
/// that comes back must never cost a backup, and an operator may still want to look at a damaged one.
public struct QuarantinedArchive: Sendable, Hashable {
    /// The archive's file name in the backup directory.
    public var name: String
    /// Where it is now, in `<backup-dir>/quarantine/`; its sidecar, if it had one, is beside it.
    public var movedTo: String
    /// Why it could not be read.
    public var reason: String
}

extension BackupStore {
    /// The directory inside the backup directory that holds quarantined archives; never listed.
    public static let quarantineDirectoryName = "quarantine"

    public var quarantineDirectory: String { path(Self.quarantineDirectoryName) }

    /// What the start-up scan makes of a sidecar, without reading its archive.
    enum SidecarScan {
        /// It decodes, names its backup, and the archive has the size it records.
        case listed
        /// It cannot be decoded (or names another backup): the archive is verified alone and given a new one.
        case unreadable
        /// The archive's size is not the recorded one: the archive is verified against it (and quarantined).
        case sizeDiffers(BackupManifest)
    }

    func scanSidecar(id: String) -> SidecarScan {
        guard let entry = try? entry(id: id) else { return .unreadable }
        var info = stat()
        guard stat(entry.archivePath, &info) == 0,
            entry.manifest.archiveSize.map({ $0 == UInt64(info.st_size) }) ?? true
        else { return .sizeDiffers(entry.manifest) }
        return .listed
    }

    /// Moves archive `name` (and its sidecar, if any) into the quarantine directory, under a name no earlier
    /// quarantined file has.
    func quarantine(_ name: String, reason: String) throws(BackupStoreError) -> QuarantinedArchive {
        let directory = quarantineDirectory
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .fileSystem(
                operation: "create the quarantine directory", path: directory,
                reason: DurableFile.lastError)
        }
        var target = "\(directory)/\(name)"
        var attempt = 1
        while access(target, F_OK) == 0 || access(target + ".json", F_OK) == 0 {
            attempt += 1
            target = "\(directory)/\(name).\(attempt)"
        }
        guard rename(path(name), target) == 0 else {
            throw .fileSystem(
                operation: "move \(path(name)) to", path: target, reason: DurableFile.lastError)
        }
        if access(path(name + ".json"), F_OK) == 0 {
            guard rename(path(name + ".json"), target + ".json") == 0 else {
                throw .fileSystem(
                    operation: "move \(path(name + ".json")) to", path: target + ".json",
                    reason: DurableFile.lastError)
            }
        }
        try? DurableFile.syncDirectory(directory)
        return QuarantinedArchive(name: name, movedTo: target, reason: reason)
    }
}

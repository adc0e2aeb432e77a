import Foundation

/// Backup identifiers: the archive's file name without `.tar.zst`, `<cluster>-<yyyyMMddTHHmmssZ>-r<revision>`.
///
/// An ID names a file in the backup directory, so anything that could leave it (`/`, `..`, a leading dot, control
/// characters) is refused before it reaches the file system.
public enum BackupID {
    public static let archiveSuffix = ".tar.zst"
    /// The sidecar manifest beside an archive: `<id>.tar.zst.json`.
    public static let sidecarSuffix = ".tar.zst.json"
    /// Files being written carry this suffix (and a leading dot) until they are complete.
    public static let partialSuffix = ".partial"
    package static let maximumLength = 200

    /// The ID of a backup of `clusterName` taken at `createdAt` at `revision`; `collision` > 1 appends `-<n>`
    /// for a second backup within the same second at the same revision.
    public static func make(
        clusterName: String, createdAt: Date, revision: Int64, collision: Int = 1
    ) -> String {
        let base = "\(fileSafe(clusterName))-\(BackupTimestamp.compact(createdAt))-r\(revision)"
        return collision > 1 ? "\(base)-\(collision)" : base
    }

    /// `name` with every character outside `[A-Za-z0-9._-]` replaced by `_`, no `..` and no leading dot.
    public static func fileSafe(_ name: String) -> String {
        var safe = String(name.unicodeScalars.map { isAllowed($0) ? Character($0) : "_" })
        while safe.contains("..") { safe = safe.replacingOccurrences(of: "..", with: "._") }
        if safe.isEmpty { safe = "etcd" }
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        return String(safe.prefix(64))
    }

    /// Returns `text` if it can name a backup; throws `BackupStoreError.invalidID` for anything that could
    /// address another file (`..`, `/`, a leading dot, characters outside `[A-Za-z0-9._-]`).
    public static func validate(_ text: String) throws(BackupStoreError) -> String {
        func invalid(_ reason: String) -> BackupStoreError { .invalidID(text, reason: reason) }
        guard !text.isEmpty else { throw invalid("it is empty") }
        guard text.utf8.count <= maximumLength else {
            throw invalid("it is longer than \(maximumLength) bytes")
        }
        guard !text.contains("/"), !text.contains("\\") else {
            throw invalid("it contains a path separator")
        }
        guard !text.contains("..") else { throw invalid("it contains \"..\"") }
        guard !text.hasPrefix(".") else { throw invalid("it starts with a dot") }
        guard text.unicodeScalars.allSatisfy(isAllowed) else {
            throw invalid("only letters, digits, '.', '_' and '-' are allowed")
        }
        return text
    }

    /// The ID of an archive or sidecar file name, if it is one.
    package static func id(ofFileName name: String) -> String? {
        for suffix in [sidecarSuffix, archiveSuffix] where name.hasSuffix(suffix) {
            let id = String(name.dropLast(suffix.count))
            return (try? validate(id)) != nil ? id : nil
        }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }
}

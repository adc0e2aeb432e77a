import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX file steps that make a backup survive a crash: exclusive creation, full writes, fsync of files and
/// of their directory, and a rename that never replaces an existing file.
package enum DurableFile {
    /// The message for the current `errno`.
    package static var lastError: String { String(cString: strerror(errno)) }

    /// Creates `path`, failing if it exists; readable by the owner only (backups hold every key and value).
    /// `readable` opens it for reading too.
    package static func createExclusive(_ path: String, readable: Bool = false) throws(BackupError)
        -> Int32
    {
        let fd = open(path, (readable ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .fileSystem(operation: "create", path: path, reason: lastError) }
        return fd
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interrupts.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String)
        throws(BackupError)
    {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(operation: "write", path: path, reason: lastError)
            }
            offset += written
        }
    }

    package static func sync(_ fd: Int32, path: String) throws(BackupError) {
        guard fsync(fd) == 0 else {
            throw .fileSystem(operation: "fsync", path: path, reason: lastError)
        }
    }

    /// Makes renames and unlinks in `directory` durable.
    package static func syncDirectory(_ directory: String) throws(BackupError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .fileSystem(operation: "open directory", path: directory, reason: lastError)
        }
        defer { close(fd) }
        try sync(fd, path: directory)
    }

    /// Gives `source` the name `destination` unless that exists (returns false then), and removes `source`.
    /// A hard link fails with EEXIST instead of replacing, which `rename` would silently do.
    package static func moveNoReplace(_ source: String, to destination: String) throws(BackupError)
        -> Bool
    {
        if link(source, destination) != 0 {
            if errno == EEXIST { return false }
            throw .fileSystem(operation: "link \(source) to", path: destination, reason: lastError)
        }
        unlink(source)
        return true
    }

    /// Writes `data` to `path` atomically and durably: a `.partial` file beside it, fsync, rename, fsync the directory.
    package static func writeAtomically(_ data: Data, to path: String) throws(BackupError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary =
            "\(directory)/.\(url.lastPathComponent).\(UUID().uuidString.prefix(8))\(BackupID.partialSuffix)"
        let fd = try createExclusive(temporary)
        var closed = false
        do throws(BackupError) {
            try data.withBytes { (bytes) throws(BackupError) in
                try writeAll(fd, bytes, path: temporary)
            }
            try sync(fd, path: temporary)
            close(fd)
            closed = true
            guard rename(temporary, path) == 0 else {
                throw .fileSystem(
                    operation: "rename \(temporary) to", path: path, reason: lastError)
            }
            try syncDirectory(directory)
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces a file's content so that a crash at any moment leaves either the old content or the new one:
/// write a temporary file in the same directory, fsync it, rename it over the target, fsync the directory
/// (so the rename itself survives a power loss).
///
/// Temporary files are named `.<name>.tmp-<pid>-<random>`; `removeLeftovers(for:)` deletes those a crash left.
enum AtomicFileWriter {
    static func write(_ data: Data, to path: String) throws(ClusterStateStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(
                path: directory, operation: "create the directory", reason: "\(error)")
        }
        let temporary =
            "\(directory)/\(temporaryPrefix(for: path))\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Owner only: the state holds the key the executors' secrets derive from.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(temporary, "create") }
        do throws(ClusterStateStoreError) {
            try writeAll(data, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw failure(temporary, "fsync") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = failure(temporary, "close")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "rename \(temporary) to")
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    /// The name prefix of `path`'s temporary files.
    static func temporaryPrefix(for path: String) -> String {
        ".\((path as NSString).lastPathComponent).tmp-"
    }

    /// Deletes temporary files of `path` that an interrupted write left; returns their names.
    @discardableResult
    static func removeLeftovers(for path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = temporaryPrefix(for: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let leftovers = names.filter { $0.hasPrefix(prefix) }
        for name in leftovers { unlink("\(directory)/\(name)") }
        return leftovers
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String)
        throws(ClusterStateStoreError)
    {
        var failed = false
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(
                    descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                offset += written
            }
        }
        if failed { throw failure(path, "write") }
    }

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int)
        -> Int
    {
        #if canImport(Glibc)
            Glibc.write(descriptor, bytes, count)
        #else
            Darwin.write(descriptor, bytes, count)
        #endif
    }

    private static func syncDirectory(_ directory: String) throws(ClusterStateStoreError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(directory, "open the directory") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure(directory, "fsync the directory") }
    }

    private static func failure(_ path: String, _ operation: String) -> ClusterStateStoreError {
        .fileSystem(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

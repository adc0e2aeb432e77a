import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that holds a secret (the admin token, a backup encryption key, object store credentials), read one
/// way: opened once, and what is checked is the open descriptor (a regular file, no permission for group or
/// others, as ssh demands of a private key, at most `limit` bytes), so the file checked is the file read.
public enum PrivateFile {
    public static func contents(of path: String, limit: Int) throws(PrivateFileError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw errno == ENOENT ? .missing : .unreadable(lastError)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(lastError) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .readableByOthers(mode: String(mode, radix: 8)) }
        guard info.st_size <= limit else { throw .tooLarge(limit: limit) }
        // The size may change after fstat: read at most one byte past the limit to tell.
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count <= limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(lastError)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
        }
        throw .tooLarge(limit: limit)
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}

/// Why a secret's file cannot be used; `reason` completes a sentence that names the file ("the key file X …").
public enum PrivateFileError: Error, Equatable, Sendable {
    case missing
    case unreadable(String)
    case notRegularFile
    /// Group or others may read it: `mode` in octal, e.g. `644`.
    case readableByOthers(mode: String)
    case tooLarge(limit: Int)

    /// What is wrong, given the file's path (the fix for `readableByOthers` names it).
    public func reason(path: String) -> String {
        switch self {
        case .missing: "does not exist"
        case .unreadable(let reason): "cannot be read (\(reason))"
        case .notRegularFile: "is not a regular file"
        case .readableByOthers(let mode):
            "is readable by group or others (mode \(mode.count < 4 ? "0" : "")\(mode)); it must be private: "
                + "run chmod 600 \(path)"
        case .tooLarge(let limit): "is larger than \(limit) bytes"
        }
    }
}

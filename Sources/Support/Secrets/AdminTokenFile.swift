import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The admin token's file, read the same way by the scheduler (`-admin-token-file`, or the token it creates in its
/// work dir) and by `etcd-mesos-restore --token-file`: the token is the content without surrounding whitespace and
/// line breaks. Like ssh with a private key, a file that group or others may read is refused; so is an empty one.
public enum AdminTokenFile {
    /// A token is 64 hex digits; a file far larger is not a token file.
    static let maximumSize = 4096

    /// The token in `path`.
    public static func read(_ path: String) throws(AdminTokenFileError) -> String {
        let data: Data
        do throws(PrivateFileError) {
            data = try PrivateFile.contents(of: path, limit: maximumSize)
        } catch {
            switch error {
            case .missing: throw .missing(path: path)
            case .unreadable(let reason): throw .unreadable(path: path, reason: reason)
            case .notRegularFile: throw .notRegularFile(path: path)
            case .readableByOthers(let mode): throw .readableByOthers(path: path, mode: mode)
            case .tooLarge(let limit):
                throw .unreadable(path: path, reason: "it is larger than \(limit) bytes")
            }
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .empty(path: path) }
        // A header carries visible ASCII only; anything else is a wrong file, not a token.
        guard token.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw .notAToken(path: path)
        }
        return token
    }

    /// The token in `path`, or a new one written there (mode 0600, its directory created if need be) when the file
    /// does not exist. `created` says which. Two processes that race get the same token: the file appears whole,
    /// by a hard link from a finished temporary file, and the loser reads the winner's.
    public static func readOrCreate(_ path: String) throws(AdminTokenFileError) -> (
        token: String, created: Bool
    ) {
        if access(path, F_OK) == 0 { return (try read(path), false) }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: path, reason: "\(error)")
        }
        let token = newToken()
        let temporary = "\(directory)/.admin-token.\(getpid()).\(newToken().prefix(8)).partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: lastError) }
        defer { unlink(temporary) }
        // The mode given to open() passes through the umask; make sure it is exactly 0600.
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard fchmod(fd, 0o600) == 0, written == bytes.count, fsync(fd) == 0 else {
            let reason = lastError
            close(fd)
            throw .cannotCreate(path: path, reason: reason)
        }
        close(fd)
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return (try read(path), false) }
            throw .cannotCreate(path: path, reason: lastError)
        }
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        return (token, true)
    }

    /// A new token: 32 bytes from the system's cryptographically secure generator, as 64 hex digits.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}

/// Why an admin token file cannot be used. `reason` leaves the path out, for messages that name it already.
public enum AdminTokenFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notRegularFile(path: String)
    /// Group or others may read it: `mode` in octal, e.g. `644`.
    case readableByOthers(path: String, mode: String)
    case empty(path: String)
    /// It holds characters an HTTP header cannot carry.
    case notAToken(path: String)
    case cannotCreate(path: String, reason: String)

    public var path: String {
        switch self {
        case .missing(let path), .unreadable(let path, _), .notRegularFile(let path),
            .readableByOthers(let path, _), .empty(let path), .notAToken(let path),
            .cannotCreate(let path, _):
            path
        }
    }

    public var reason: String {
        switch self {
        case .missing: "does not exist"
        case .unreadable(_, let reason): "cannot be read (\(reason))"
        case .notRegularFile: "is not a regular file"
        case .readableByOthers(let path, let mode):
            "is readable by group or others (mode \(mode.count < 4 ? "0" : "")\(mode)); an admin token must be "
                + "private: run chmod 600 \(path)"
        case .empty: "is empty"
        case .notAToken: "holds characters other than visible ASCII; it is not a token file"
        case .cannotCreate(_, let reason): "cannot be created (\(reason))"
        }
    }

    public var description: String { "the admin token file \(path) \(reason)" }
}

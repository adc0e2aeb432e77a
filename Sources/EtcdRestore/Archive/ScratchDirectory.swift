import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A hidden directory for one command's temporary files (the extracted database, a data dir being restored),
/// created with `mkdtemp` and removed by `remove()` on every path out, interrupted ones included.
struct ScratchDirectory: Sendable {
    let path: String

    /// Creates `<parent>/.etcd-mesos-restore-XXXXXX`.
    init(in parent: String) throws(RestoreFailure) {
        var template = Array("\(parent)/.etcd-mesos-restore-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw .fileSystem(
                operation: "create a temporary directory in", path: parent,
                reason: String(cString: strerror(errno)))
        }
        path = String(cString: created)
    }

    /// A directory another `ScratchDirectory` owns (and removes).
    init(existing path: String) {
        self.path = path
    }

    func appending(_ name: String) -> String { "\(path)/\(name)" }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a scratch directory in `parent` (the system temp dir by default), removed afterwards.
    static func with<T>(
        in parent: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ScratchDirectory) async throws(RestoreFailure) -> T
    ) async throws(RestoreFailure) -> T {
        let scratch = try ScratchDirectory(in: parent ?? defaultParent)
        defer { scratch.remove() }
        return try await body(scratch)
    }

    static var defaultParent: String {
        let path = FileManager.default.temporaryDirectory.path
        return path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }
}

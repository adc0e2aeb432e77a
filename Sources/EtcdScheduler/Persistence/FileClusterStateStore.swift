import Foundation
import Logging
import Reconciler

/// Keeps the state in one JSON file (`-framework-persist-file`, or the default under `-work-dir` with a
/// local master), replaced atomically on every save (see `AtomicFileWriter`).
///
/// A file that exists but cannot be read as a state stops the scheduler: `load()` throws
/// `ClusterStateStoreError.corrupt` naming the file and the reason, and `save(_:)` refuses to replace it,
/// because silently starting over would launch an empty cluster over the old one's data.
public actor FileClusterStateStore: ClusterStateStore {
    public nonisolated let path: String
    public nonisolated var location: String { "file \(path)" }
    private let logger: Logger
    /// Whether the file is known to be absent or readable (after a load or a save), so a save may replace it.
    private var checked = false

    public init(path: String, logger: Logger = Logger(label: "etcd-mesos.persistence")) {
        self.path = path
        self.logger = logger
    }

    public func load() throws -> PersistedClusterState? {
        let leftovers = AtomicFileWriter.removeLeftovers(for: path)
        if !leftovers.isEmpty {
            logger.notice(
                "removed the temporary files of an interrupted save; the state is the one saved before it",
                metadata: ["file": "\(path)", "removed": "\(leftovers.joined(separator: ", "))"])
        }
        guard FileManager.default.fileExists(atPath: path) else {
            checked = true
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClusterStateStoreError.fileSystem(
                path: path, operation: "read", reason: "permission denied or not a file")
        }
        let state = try PersistedStateCoding.decode(data, location: location)
        checked = true
        return state
    }

    public func save(_ state: PersistedClusterState) throws {
        if !checked { _ = try load() }
        try AtomicFileWriter.write(PersistedStateCoding.encode(state), to: path)
    }

    public func clearFramework() throws {
        guard var state = try load() else { return }
        state.frameworkID = nil
        state.tasks = []
        try save(state)
    }

    public func close() {}
}

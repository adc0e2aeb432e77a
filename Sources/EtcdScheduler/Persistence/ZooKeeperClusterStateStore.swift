import Foundation
import Logging
import Reconciler
import ZooKeeper

/// Keeps the state in ZooKeeper (`-zk-framework-persist=zk://h1:p1,h2:p2/chroot`), readable by and
/// migrating from the original Go scheduler:
///
/// | znode | content |
/// |---|---|
/// | `<chroot>/<framework-name>_state` | the whole `PersistedClusterState`, JSON (see `PersistedStateCoding`) |
/// | `<chroot>/<framework-name>_framework_id` | the framework ID, plain UTF-8 (the original's) |
/// | `<chroot>/<framework-name>_reconciliation` | `{"<task ID>": "<agent ID>"}` (the original's) |
///
/// `_state` is the truth; the other two are kept in step with it so the original's layout stays readable.
/// When only the original's two exist (an installation of the Go scheduler), `load()` builds the state from
/// them. `_state` is written with compare-and-set on the version last read, so a second scheduler writing
/// the same state is detected (`concurrentModification`) rather than silently overwritten.
///
/// One ZooKeeper session serves every call and is replaced when it expires. Each operation, retries
/// included, finishes within `operationTimeout` or fails with `unavailable`, naming the ensemble.
public actor ZooKeeperClusterStateStore: ClusterStateStore {
    public nonisolated let address: ZooKeeperPersistAddress
    public nonisolated let frameworkName: String
    public nonisolated let operationTimeout: Duration
    nonisolated let sessionTimeout: Duration
    let logger: Logger

    public nonisolated var location: String { "ZooKeeper \(address)" }
    nonisolated var statePath: String { address.chroot + "/\(frameworkName)_state" }
    nonisolated var frameworkIDPath: String { address.chroot + "/\(frameworkName)_framework_id" }
    nonisolated var reconciliationPath: String {
        address.chroot + "/\(frameworkName)_reconciliation"
    }

    /// The session in use, if connected.
    var client: ZooKeeperClient?
    /// The version of `_state` this store last read or wrote; nil while it is believed absent.
    var stateVersion: Int32?
    /// What the original's two znodes are known to hold, to skip writes that change nothing.
    var mirrored: [String: Data?] = [:]
    /// Whether `_state` was read (or found absent) by this store, so a save may replace it.
    var checked = false
    var busy = false
    var waiting: [CheckedContinuation<Void, Never>] = []

    public init(
        address: ZooKeeperPersistAddress, frameworkName: String,
        operationTimeout: Duration = .seconds(10),
        sessionTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "etcd-mesos.persistence")
    ) {
        self.address = address
        self.frameworkName = frameworkName
        self.operationTimeout = operationTimeout
        self.sessionTimeout = sessionTimeout
        self.logger = logger
    }

    public func load() async throws -> PersistedClusterState? {
        try await exclusively { try await loadState() }
    }

    public func save(_ state: PersistedClusterState) async throws {
        try await exclusively {
            if !checked { _ = try await loadState() }
            try await writeState(state)
            try await mirror(state)
        }
    }

    public func clearFramework() async throws {
        try await exclusively {
            guard var state = try await loadState() else { return }
            state.frameworkID = nil
            state.tasks = []
            try await writeState(state)
            // As the original did: the next start registers as a new framework.
            try await deleteIfPresent(frameworkIDPath)
            try await deleteIfPresent(reconciliationPath)
        }
    }

    public func close() async {
        await dropClient()
    }

    // MARK: the state

    private func loadState() async throws -> PersistedClusterState? {
        let stored = try await read(statePath)
        let frameworkID = try await read(frameworkIDPath)
        let reconciliation = try await read(reconciliationPath)
        mirrored[frameworkIDPath] = .some(frameworkID?.data)
        mirrored[reconciliationPath] = .some(reconciliation?.data)
        stateVersion = stored?.version
        if let stored {
            let state = try PersistedStateCoding.decode(
                stored.data, location: znodeLocation(statePath))
            checked = true
            return state
        }
        checked = true
        guard frameworkID != nil || reconciliation != nil else { return nil }
        return try migrated(frameworkID: frameworkID?.data, reconciliation: reconciliation?.data)
    }

    /// The state the original's two znodes describe. It stored no epoch or revision; a non-empty
    /// reconciliation map means members ran, so the cluster may hold data.
    private func migrated(frameworkID: Data?, reconciliation: Data?) throws -> PersistedClusterState
    {
        let tasks =
            try reconciliation.map {
                try PersistedStateCoding.decodeReconciliation(
                    $0, location: znodeLocation(reconciliationPath))
            } ?? []
        let id = frameworkID.map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let formed = !tasks.isEmpty
        logger.notice(
            "migrating the state of the original etcd-mesos scheduler",
            metadata: [
                "location": "\(location)", "framework_id": "\(id ?? "none")",
                "tasks": "\(tasks.count)",
            ])
        return PersistedClusterState(
            frameworkID: id.flatMap { $0.isEmpty ? nil : FrameworkID($0) }, tasks: tasks,
            clusterEpoch: formed ? 1 : 0, clusterFormed: formed)
    }

    private func writeState(_ state: PersistedClusterState) async throws {
        let data = PersistedStateCoding.encode(state)
        stateVersion = try await write(statePath, data, mode: .compareAndSet(version: stateVersion))
    }

    /// Brings the original's two znodes in line with `state`.
    private func mirror(_ state: PersistedClusterState) async throws {
        let frameworkID = state.frameworkID.map { Data($0.rawValue.utf8) }
        if let frameworkID {
            try await writeMirror(frameworkIDPath, frameworkID)
        } else if mirrored[frameworkIDPath] != .some(nil) {
            try await deleteIfPresent(frameworkIDPath)
        }
        // Like the original, the map appears once a task has run, and then always holds the latest tasks.
        if !state.tasks.isEmpty || mirrored[reconciliationPath] != .some(nil) {
            try await writeMirror(
                reconciliationPath, PersistedStateCoding.encodeReconciliation(state.tasks))
        }
    }

    private func writeMirror(_ path: String, _ data: Data) async throws {
        guard mirrored[path] != .some(data) else { return }
        _ = try await write(path, data, mode: .overwrite)
        mirrored[path] = .some(data)
    }

    private func deleteIfPresent(_ path: String) async throws {
        try await delete(path)
        mirrored[path] = .some(nil)
    }

    func znodeLocation(_ path: String) -> String {
        "ZooKeeper znode \(path) on \(address.serverList)"
    }

    /// Runs `body` alone: actor methods interleave at every `await`, and interleaved writes would trip over
    /// each other's versions.
    private func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

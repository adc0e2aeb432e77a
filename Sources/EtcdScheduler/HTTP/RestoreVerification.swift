import Backup
import Support

/// Verifies the archive a `POST /restore` names, one at a time and off the cooperative pool: reading and
/// hashing a large archive must not stall the Mesos subscription or the health probes, and parallel
/// requests must not multiply that work.
actor RestoreVerification {
    /// Why an archive was not verified.
    enum Refusal: Error {
        /// Another request's verification is running.
        case busy(runningID: String)
        case failed(BackupStoreError)
        case unusable(id: String, reason: String)
    }

    private let store: BackupStore
    private let remote: RemoteBackups?
    private let clusterName: String
    private var running: String?

    init(store: BackupStore, remote: RemoteBackups? = nil, clusterName: String) {
        self.store = store
        self.remote = remote
        self.clusterName = clusterName
    }

    /// Verifies backup `id`; refuses at once while another verification runs.
    func verify(_ id: String) async throws(Refusal) {
        if let running { throw .busy(runningID: running) }
        running = id
        defer { running = nil }
        let store = self.store
        let clusterName = self.clusterName
        // Only in the object store: fetched (and verified against its sidecar) into the local cache first,
        // and kept there for the executors.
        if let remote, (try? store.entry(id: id)) == nil {
            do {
                try await remote.fetch(id, pin: true)
            } catch let error as BackupStoreError {
                throw .failed(error)
            } catch {
                throw .unusable(id: id, reason: "cannot fetch it from \(remote.location): \(error)")
            }
        }
        let outcome: Result<Void, Refusal> = await runBlocking {
            do {
                _ = try store.verify(id: id, expectedCluster: clusterName)
                return .success(())
            } catch let error as BackupStoreError {
                return .failure(.failed(error))
            } catch {
                return .failure(.unusable(id: id, reason: "\(error)"))
            }
        }
        try outcome.get()
    }
}

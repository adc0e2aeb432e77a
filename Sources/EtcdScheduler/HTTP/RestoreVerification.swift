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
    private let clusterName: String
    private var running: String?

    init(store: BackupStore, clusterName: String) {
        self.store = store
        self.clusterName = clusterName
    }

    /// Verifies backup `id`; refuses at once while another verification runs.
    func verify(_ id: String) async throws(Refusal) {
        if let running { throw .busy(runningID: running) }
        running = id
        defer { running = nil }
        let store = self.store
        let clusterName = self.clusterName
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

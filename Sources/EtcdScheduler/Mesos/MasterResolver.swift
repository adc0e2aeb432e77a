import Logging
import MesosAPI
import MesosMasterDetection
import Synchronization

/// Finds the master to subscribe to: one of a list of addresses (tried in turn after a failure; a
/// non-leader redirects to the leader itself), or the leader registered in ZooKeeper.
final class MasterResolver: Sendable {
    enum Source: Sendable {
        case endpoints([MesosEndpoint])
        case zooKeeper(MasterDetector)
    }

    let source: Source
    private let nextIndex = Mutex(0)

    init(source: Source) {
        self.source = source
    }

    /// The master to try now; waits up to `timeout` for a leader in ZooKeeper.
    func current(timeout: Duration) async throws -> MesosEndpoint {
        switch source {
        case .endpoints(let endpoints):
            return endpoints[nextIndex.withLock { $0 % endpoints.count }]
        case .zooKeeper(let detector):
            return try await detector.currentLeader(timeout: timeout).endpoint()
        }
    }

    /// The last master tried did not work out: the next `current` tries the next address of the list.
    func advance() {
        nextIndex.withLock { $0 += 1 }
    }
}

import Foundation
import Synchronization
import ZooKeeper

/// The leading instance's hold on its election node: lost when the node goes (deleted, or its session
/// expired) or when the session stays disconnected for a whole session timeout, after which ZooKeeper may
/// have expired it and a standby may lead (as Mesos' `zookeeper::Group` times a disconnected session out).
final class ZooKeeperLeadershipTerm: LeadershipTerm {
    let client: ZooKeeperClient
    let nodePath: String
    let sessionTimeout: Duration
    let location: String
    private let disconnectedSince = Mutex<ContinuousClock.Instant?>(nil)

    init(client: ZooKeeperClient, nodePath: String, sessionTimeout: Duration, location: String) {
        self.client = client
        self.nodePath = nodePath
        self.sessionTimeout = sessionTimeout
        self.location = location
    }

    func watchForLoss() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.watchNode() }
            group.addTask { try await self.followSession() }
            group.addTask { try await self.timeDisconnection() }
            try await group.next()
            group.cancelAll()
        }
    }

    func release() async {
        await client.close()
    }

    private func lost(_ reason: String) -> SchedulerElectionError {
        .leadershipLost(location: location, reason: reason)
    }

    private func watchNode() async throws {
        while true {
            do {
                let (stat, watch) = try await client.existsAndWatch(nodePath)
                guard stat != nil else { throw lost("its election node \(nodePath) was deleted") }
                switch try await watch.event().kind {
                case .deleted: throw lost("its election node \(nodePath) was deleted")
                case .sessionLost: throw lost("its ZooKeeper session ended")
                default: continue
                }
            } catch let error as ZooKeeperError {
                if error == .sessionExpired || error == .closed {
                    throw lost("its ZooKeeper session ended (\(error))")
                }
                // A lost connection: the session may come back; `timeDisconnection` decides.
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func followSession() async throws {
        for await event in client.sessionEvents {
            switch event {
            case .suspended:
                disconnectedSince.withLock { $0 = $0 ?? .now }
            case .connected:
                disconnectedSince.withLock { $0 = nil }
            case .expired:
                throw lost("its ZooKeeper session expired")
            case .closed:
                throw lost("its ZooKeeper session was closed")
            }
        }
        try Task.checkCancellation()
        throw lost("its ZooKeeper session ended")
    }

    private func timeDisconnection() async throws {
        while true {
            try await Task.sleep(for: .milliseconds(250))
            if let since = disconnectedSince.withLock({ $0 }),
                ContinuousClock.now - since >= sessionTimeout
            {
                throw lost(
                    "disconnected from ZooKeeper for \(sessionTimeout), longer than its session timeout"
                )
            }
        }
    }
}

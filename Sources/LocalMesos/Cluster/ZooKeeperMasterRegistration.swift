import Foundation
import Logging
import MesosAPI
import ZooKeeper

/// Registers a master in a ZooKeeper group the way real Mesos masters do: an ephemeral sequential
/// `json.info_<seq>` node under the group's znode, holding the MasterInfo as Mesos JSON. The node goes away
/// with the session, when the body ends or the process dies.
public enum ZooKeeperMasterRegistration {
    /// Registers `masterInfo` under `address` for the duration of `body`; passes the node's path.
    public static func withRegistration<T: Sendable>(
        at address: ZooKeeperMasterAddress, masterInfo: MasterInfo, logger: Logger,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let client = try await ZooKeeperClient.connect(address.serverList, logger: logger)
        let result: Result<T, any Error>
        do {
            try await client.createParents(address.path)
            let node = try await client.create(
                address.path + "/" + MasterGroup.memberNodePrefix,
                data: try MesosJSON.encode(masterInfo),
                mode: .ephemeralSequential)
            logger.info("registered as a Mesos master in ZooKeeper at \(node)")
            result = .success(
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await event in client.sessionEvents where event == .expired {
                            // A real master aborts here; the local one keeps serving but is no longer
                            // detectable.
                            logger.error(
                                "ZooKeeper session expired: \(node) is gone; zk:// detection will not find this master"
                            )
                        }
                    }
                    defer { group.cancelAll() }
                    return try await body(node)
                })
        } catch {
            result = .failure(error)
        }
        await client.close()
        return try result.get()
    }
}

import Foundation
import Logging
import MesosAPI
import ZooKeeper

/// The loop behind `MasterDetector.leaders()`: connect, read the group, publish the leader, wait for the
/// children watch, read again; reconnect when the session is lost.
struct LeaderFollower: Sendable {
    let detector: MasterDetector
    let continuation: AsyncThrowingStream<MasterInfo?, any Error>.Continuation
    let report: @Sendable (String) -> Void

    private var path: String { detector.address.path }
    private var logger: Logger { detector.logger }

    /// Publishes a leader only when it differs from the last one published.
    struct Publisher {
        let continuation: AsyncThrowingStream<MasterInfo?, any Error>.Continuation
        var last: MasterInfo??

        mutating func publish(_ leader: MasterInfo?) {
            guard last != .some(leader) else { return }
            last = .some(leader)
            continuation.yield(leader)
        }
    }

    func run() async throws {
        var publisher = Publisher(continuation: continuation, last: nil)
        var failures = 0
        while true {
            try Task.checkCancellation()
            let client: ZooKeeperClient
            do {
                client = try await ZooKeeperClient.connect(
                    detector.address.serverList, sessionTimeout: detector.sessionTimeout,
                    connectTimeout: detector.connectTimeout, logger: logger)
            } catch let error as ZooKeeperError {
                if case .invalidConnectString = error { throw error }
                failures += 1
                problem("cannot connect to ZooKeeper at \(detector.address.serverList): \(error)")
                try await Task.sleep(for: retryDelay(after: failures))
                continue
            }
            let readTheGroup: Bool
            do {
                readTheGroup = try await follow(client, publisher: &publisher)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
            // The session is gone: until a new one has read the group, nobody is known to lead.
            publisher.publish(nil)
            // Sessions that die before reading anything must not make this a busy loop.
            failures = readTheGroup ? 0 : failures + 1
            if failures > 0 { try await Task.sleep(for: retryDelay(after: failures)) }
        }
    }

    /// Follows the group with `client` until its session is lost (returns whether the group was read at least
    /// once) or a permanent error (throws).
    private func follow(_ client: ZooKeeperClient, publisher: inout Publisher) async throws -> Bool
    {
        var transientFailures = 0
        var readTheGroup = false
        while true {
            try Task.checkCancellation()
            do {
                let (children, watch) = try await client.childrenAndWatch(path)
                if let node = MasterGroup.leaderNode(among: children) {
                    guard let leader = try await readLeader(client, node: node) else {
                        continue  // the node vanished between listing and reading: list again
                    }
                    publisher.publish(leader)
                } else {
                    report(
                        "\(path) has no \(MasterGroup.memberNodePrefix) member: no master is running"
                    )
                    publisher.publish(nil)
                }
                transientFailures = 0
                readTheGroup = true
                if try await watch.event().kind == .sessionLost { return readTheGroup }
            } catch ZooKeeperError.noNode(let missing) where missing == path {
                // No group yet (no master ever started): wait for its creation.
                logger.debug("waiting for \(path) to be created")
                report("\(path) does not exist: no master has registered there yet")
                publisher.publish(nil)
                readTheGroup = true
                let (stat, watch) = try await client.existsAndWatch(path)
                if stat == nil, try await watch.event().kind == .sessionLost { return readTheGroup }
            } catch let error as ZooKeeperError {
                switch error {
                case .sessionExpired, .closed:
                    problem("ZooKeeper session lost: \(error)")
                    return readTheGroup
                case .connectionLoss, .operationTimeout, .other:
                    // The session may still recover; libzookeeper reconnects by itself.
                    transientFailures += 1
                    problem("reading \(path) failed: \(error)")
                    try await Task.sleep(for: retryDelay(after: transientFailures))
                default:
                    throw error
                }
            }
        }
    }

    /// The MasterInfo in `node`; `nil` if the node is gone. Undecodable data is reported and counts as no
    /// leader, as nothing can connect to it.
    private func readLeader(_ client: ZooKeeperClient, node: String) async throws -> MasterInfo?? {
        let nodePath = path + "/" + node
        let data: Data
        do {
            data = try await client.get(nodePath).data
        } catch ZooKeeperError.noNode {
            return nil
        }
        do {
            return .some(try MesosJSON.decode(MasterInfo.self, from: data))
        } catch {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            problem("leader node \(nodePath) does not hold MasterInfo JSON (\(error)): \(text)")
            return .some(nil)
        }
    }

    private func problem(_ message: String) {
        logger.warning("\(message)")
        report(message)
    }

    private func retryDelay(after failures: Int) -> Duration {
        let delay = Duration.milliseconds(100) * (1 << min(failures - 1, 10))
        return min(delay, detector.maximumRetryDelay)
    }
}

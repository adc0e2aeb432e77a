import Foundation
import Logging
import ZooKeeper

/// Leadership among scheduler instances that persist in ZooKeeper, the way Mesos masters contend
/// (src/zookeeper/group.cpp, src/master/contender/zookeeper.cpp): each instance creates an ephemeral
/// sequential node `<chroot>/<framework>_election/member_<seq>` holding who it is; the lowest sequence leads;
/// every other instance watches the node just below its own, so one death wakes one standby.
///
/// A node lives as long as its session: a crashed leader's goes when ZooKeeper expires the session
/// (`sessionTimeout`, which ZooKeeper clamps to 2–20 ticks), a stopped leader's at once. A leader whose
/// session expires, or stays disconnected for a session timeout, has lost leadership (see
/// `ZooKeeperLeadershipTerm`).
struct ZooKeeperElection: SchedulerElection {
    static let memberPrefix = "member_"

    let address: ZooKeeperPersistAddress
    let frameworkName: String
    var sessionTimeout: Duration = .seconds(6)
    let logger: Logger

    var electionPath: String { address.chroot + "/\(frameworkName)_election" }
    var location: String { "ZooKeeper zk://\(address.serverList)\(electionPath)" }

    init(address: ZooKeeperPersistAddress, frameworkName: String, logger: Logger) {
        self.address = address
        self.frameworkName = frameworkName
        self.logger = logger
    }

    func acquire(status: StandbyStatus) async throws -> any LeadershipTerm {
        var failures = 0
        while true {
            let client: ZooKeeperClient
            do {
                client = try await ZooKeeperClient.connect(
                    address.serverList, sessionTimeout: sessionTimeout,
                    connectTimeout: .seconds(10), logger: logger)
            } catch let error as ZooKeeperError {
                if case .invalidConnectString = error {
                    throw SchedulerElectionError.rejected(
                        location: location, operation: "connect", reason: "\(error)")
                }
                failures += 1
                report("cannot connect to ZooKeeper at \(address.serverList): \(error)", status)
                try await Task.sleep(for: .milliseconds(200) * (1 << min(failures, 5)))
                continue
            }
            let term: ZooKeeperLeadershipTerm?
            do {
                term = try await campaign(client, status: status)
            } catch {
                await client.close()
                throw error
            }
            if let term { return term }
            // The session was lost before this instance led: a new session, a new candidacy.
            await client.close()
        }
    }

    /// Joins the election with `client`'s session and waits to lead; nil when the session (or this
    /// instance's node) is lost first.
    private func campaign(_ client: ZooKeeperClient, status: StandbyStatus) async throws
        -> ZooKeeperLeadershipTerm?
    {
        let own: String
        do {
            try await client.createParents(electionPath)
            let path = try await client.create(
                electionPath + "/" + Self.memberPrefix,
                data: Data(SchedulerElectionFactory.instanceDescription.utf8),
                mode: .ephemeralSequential)
            own = String(path.split(separator: "/").last ?? "")
        } catch let error as ZooKeeperError {
            try giveUpUnlessTransient(error, operation: "join the election", status: status)
            // The session is closed and made anew: a node it may have created goes with it.
            return nil
        }
        logger.info("joined the scheduler election", metadata: ["node": "\(electionPath)/\(own)"])
        var announced = false
        while true {
            do {
                let members = try await client.children(electionPath)
                    .filter { Self.sequence(of: $0) != nil }
                    .sorted { Self.sequence(of: $0)! < Self.sequence(of: $1)! }
                guard let index = members.firstIndex(of: own) else { return nil }
                if index == 0 {
                    logger.notice(
                        "leading: this scheduler instance won the election",
                        metadata: ["node": "\(electionPath)/\(own)"])
                    return ZooKeeperLeadershipTerm(
                        client: client, nodePath: electionPath + "/" + own,
                        sessionTimeout: sessionTimeout, location: location)
                }
                let leaderData = try? await client.get(electionPath + "/" + members[0]).data
                let leader = leaderData.map { String(decoding: $0, as: UTF8.self) }
                status.waiting(leader: leader)
                if !announced {
                    logger.notice(
                        "standby: another scheduler instance leads; waiting to take over",
                        metadata: ["leader": "\(leader ?? members[0])", "election": "\(location)"])
                    announced = true
                }
                let (stat, watch) = try await client.existsAndWatch(
                    electionPath + "/" + members[index - 1])
                if stat == nil { continue }
                if try await watch.event().kind == .sessionLost { return nil }
            } catch let error as ZooKeeperError {
                if error == .sessionExpired || error == .closed { return nil }
                try giveUpUnlessTransient(error, operation: "read the election", status: status)
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Throws for what retrying cannot fix (an ACL, a bad path); reports the rest.
    private func giveUpUnlessTransient(
        _ error: ZooKeeperError, operation: String, status: StandbyStatus
    ) throws {
        switch error {
        case .connectionLoss, .operationTimeout, .sessionExpired, .closed, .connectTimedOut:
            report("cannot \(operation) in \(location): \(error)", status)
        default:
            throw SchedulerElectionError.rejected(
                location: location, operation: operation, reason: "\(error)")
        }
    }

    private func report(_ problem: String, _ status: StandbyStatus) {
        logger.warning("\(problem)")
        status.problem(problem)
    }

    /// The sequence number of a member node (`member_0000000007` → 7).
    static func sequence(of name: String) -> UInt64? {
        guard name.hasPrefix(memberPrefix) else { return nil }
        let digits = name.dropFirst(memberPrefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }
}

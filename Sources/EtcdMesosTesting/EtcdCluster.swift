import EtcdClient
import Foundation
import ProcessControl
import Synchronization

/// Runs `body` with a new etcd cluster of `members` members on free loopback ports in a temporary directory.
///
/// Returns once every member serves linearizable reads. Every member, including ones added later, is stopped
/// (SIGTERM, SIGKILL after a grace period; see `stopAll()`) and the directory removed on every path out.
public func withEtcdCluster<T>(
    members: Int = 3,
    binaries: EtcdBinaries = .debian,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (EtcdCluster) async throws -> T
) async throws -> T {
    let cluster = try await EtcdCluster.start(members: members, binaries: binaries)
    let result: T
    do {
        result = try await body(cluster)
    } catch {
        await cluster.stopAllAndRemove()
        throw error
    }
    await cluster.stopAllAndRemove()
    return result
}

/// A real etcd cluster for tests; members are `EtcdCluster.Member`s, each with its own data dir and log.
public final class EtcdCluster: Sendable {
    public let binaries: EtcdBinaries
    /// The `--initial-cluster-token`, unique per cluster so stray members of other tests cannot join.
    public let token: String
    /// The temporary directory holding every member's data dir and log.
    public let directory: String

    private let allMembers: Mutex<[Member]>

    /// How long `waitUntilServing` waits by default.
    /// Generous: CI starts every suite at once on two cores, and a JVM or an etcd then takes long to come up.
    public static let readinessTimeout = Duration.seconds(60)
    /// A leader stopping together with its followers can take up to 7 s: its leadership transfer times out.
    static let stopGracePeriod = Duration.seconds(10)

    private init(binaries: EtcdBinaries, directory: String, members: [Member], token: String) {
        self.binaries = binaries
        self.directory = directory
        self.token = token
        allMembers = Mutex(members)
    }

    /// Every member the harness started or prepared, in order, including stopped ones.
    public var members: [Member] { allMembers.withLock { $0 } }

    /// The client endpoints (`http://127.0.0.1:PORT`) of the members that are running.
    public var endpoints: [String] { members.filter(\.isRunning).map(\.clientURL) }

    /// The member called `name`.
    public func member(named name: String) -> Member? { members.first { $0.name == name } }

    // MARK: Starting

    static func start(members count: Int, binaries: EtcdBinaries) async throws -> EtcdCluster {
        precondition(count >= 1, "a cluster needs at least one member")
        guard binaries.isInstalled else { throw EtcdClusterError.notInstalled(binaries) }
        var attempt = 1
        while true {
            let directory = try TemporaryDirectory(prefix: "etcd-cluster")
            let token = "etcd-test-\(UUID().uuidString.prefix(8).lowercased())"
            var cluster: EtcdCluster?
            do {
                let members = try (1...count).map {
                    try Member(name: "m\($0)", directory: directory.path, binaries: binaries)
                }
                let initialCluster = members.map { "\($0.name)=\($0.peerURL)" }.joined(
                    separator: ",")
                let started = EtcdCluster(
                    binaries: binaries, directory: directory.path, members: members, token: token)
                cluster = started
                for member in members {
                    try member.launch(initialCluster: initialCluster, state: "new", token: token)
                }
                for member in members {
                    try await started.waitUntilServing(member)
                }
                return started
            } catch let error as EtcdClusterError where error.portWasTaken && attempt < 3 {
                await cluster?.stopAllAndRemove()
                directory.remove()
                attempt += 1
            } catch {
                await cluster?.stopAllAndRemove()
                directory.remove()
                throw error
            }
        }
    }

    /// A new member with free ports and its own data dir, not yet started: add it with `memberAdd`
    /// (its `peerURL`), then start it with `startJoining`.
    public func prepareMember(name: String) throws -> Member {
        let member = try Member(name: name, directory: directory, binaries: binaries)
        allMembers.withLock { $0.append(member) }
        return member
    }

    /// Starts `member` with `--initial-cluster-state existing`, its initial cluster taken from `clusterMembers`
    /// (what `memberAdd` returned: the new member has no name there yet), and waits until it serves.
    public func startJoining(_ member: Member, clusterMembers: [EtcdMember]) async throws {
        let initialCluster = clusterMembers.flatMap { listed in
            let name = listed.peerURLs.contains(member.peerURL) ? member.name : listed.name
            return listed.peerURLs.map { "\(name)=\($0)" }
        }.joined(separator: ",")
        try member.launch(initialCluster: initialCluster, state: "existing", token: token)
        try await waitUntilServing(member)
    }

    /// Starts a stopped member again on its data dir and waits until it serves.
    public func restart(_ member: Member) async throws {
        try member.relaunch()
        try await waitUntilServing(member)
    }

    /// Waits until `member` knows a leader and, unless it is a learner, answers a linearizable read.
    public func waitUntilServing(_ member: Member, timeout: Duration = readinessTimeout)
        async throws
    {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var lastError: String?
        while true {
            if let status = member.process?.exitStatus {
                throw EtcdClusterError.exitedEarly(
                    member: member.name, status: status.description, logPath: member.logPath,
                    logTail: member.logTail())
            }
            do {
                if try await isServing(member) { return }
                lastError = "no leader yet"
            } catch {
                lastError = "\(error)"
            }
            if clock.now >= deadline {
                throw EtcdClusterError.notServing(
                    member: member.name, after: timeout, lastError: lastError ?? "",
                    logPath: member.logPath,
                    logTail: member.logTail())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// True when `member` knows a leader and, unless it is a learner (learners refuse reads), answers a
    /// linearizable read, which proves it is part of a working cluster.
    private func isServing(_ member: Member) async throws -> Bool {
        try await EtcdClient.withClient(endpoint: member.clientURL, callTimeout: .seconds(1)) {
            client in
            let status = try await client.status()
            guard status.leader != 0 else { return false }
            if !status.isLearner { _ = try await client.range("etcd-cluster-harness-probe") }
            return true
        }
    }

    // MARK: Stopping

    /// Stops `member` gracefully (SIGTERM, SIGKILL after the grace period) and waits until it has exited.
    public func stop(_ member: Member) async {
        await member.process?.terminate(gracePeriod: Self.stopGracePeriod)
    }

    /// Kills `member` with SIGKILL, as a crash would, and waits until it has exited.
    public func kill(_ member: Member) async {
        guard let process = member.process else { return }
        process.signal(SIGKILL)
        _ = await process.waitForExit()
    }

    /// Stops every running member: the followers at once, then the leader.
    ///
    /// A leader that gets SIGTERM first tries to hand its leadership over, and waits up to 7 s for a follower
    /// that is stopping too; once its followers are gone it has no one to hand over to and exits at once.
    public func stopAll() async {
        let running = members.filter(\.isRunning)
        let leaders = await leadersOrUnknown(among: running)
        await stop(running.filter { !leaders.contains($0.name) })
        await stop(running.filter { leaders.contains($0.name) })
    }

    /// Names of the members that say they lead, or do not answer within a second.
    private func leadersOrUnknown(among members: [Member]) async -> Set<String> {
        await withTaskGroup(of: String?.self) { group in
            for member in members {
                group.addTask {
                    let status = try? await EtcdClient.withClient(
                        endpoint: member.clientURL, callTimeout: .seconds(1)
                    ) { try await $0.status() }
                    return status?.isLeader == false ? nil : member.name
                }
            }
            var names = Set<String>()
            for await name in group { if let name { names.insert(name) } }
            return names
        }
    }

    private func stop(_ members: [Member]) async {
        await withTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask { await self.stop(member) }
            }
        }
    }

    func stopAllAndRemove() async {
        await stopAll()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

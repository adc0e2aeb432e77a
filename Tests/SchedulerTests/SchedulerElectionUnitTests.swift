import EtcdMesosTesting
import Foundation
import Testing
import ZooKeeper

@testable import EtcdScheduler

/// The elections among scheduler instances, without a scheduler: a second candidate waits (and knows who
/// leads) until the first gives leadership up or loses it.
@Suite("Scheduler election", .serialized)
struct SchedulerElectionUnitTests {
    /// Checks the second candidate waits while the first leads, then leads once `giveUp` ran.
    private func secondWaitsThenLeads(
        _ first: any SchedulerElection, _ second: any SchedulerElection,
        giveUp: @escaping @Sendable (any LeadershipTerm) async throws -> Void
    ) async throws {
        let firstTerm = try await first.acquire(status: StandbyStatus())
        let status = StandbyStatus()
        try await withThrowingTaskGroup(of: (any LeadershipTerm)?.self) { group in
            group.addTask { try await second.acquire(status: status) }
            group.addTask {
                try await eventually(timeout: .seconds(10), "the second to wait") {
                    status.snapshot.waiting
                }
                #expect(status.snapshot.leader == SchedulerElectionFactory.instanceDescription)
                #expect(!status.snapshot.leads)
                try await giveUp(firstTerm)
                return nil
            }
            var secondTerm: (any LeadershipTerm)?
            while let next = try await group.next() {
                if let next { secondTerm = next }
            }
            let term = try #require(secondTerm)
            await term.release()
        }
        await firstTerm.release()
    }

    @Test func fileLockSecondInstanceWaitsUntilTheFirstReleases() async throws {
        let directory = try TemporaryDirectory(prefix: "election")
        defer { directory.remove() }
        let path = directory.appending("state.json.lock")
        try await secondWaitsThenLeads(
            FileLockElection(lockPath: path, logger: quietLogger),
            FileLockElection(lockPath: path, logger: quietLogger)
        ) { await $0.release() }
    }

    @Test func fileLockReplacedMeansLeadershipLost() async throws {
        let directory = try TemporaryDirectory(prefix: "election")
        defer { directory.remove() }
        let path = directory.appending("state.json.lock")
        let term = try await FileLockElection(lockPath: path, logger: quietLogger)
            .acquire(status: StandbyStatus())
        unlink(path)
        await #expect(throws: SchedulerElectionError.self) {
            try await term.watchForLoss()
        }
        await term.release()
    }

    @Test func zooKeeperSecondInstanceWaitsUntilTheFirstReleases() async throws {
        try await withZooKeeperServer { server in
            let address = ZooKeeperPersistAddress(servers: [server.connectString], chroot: "/e")
            try await secondWaitsThenLeads(
                ZooKeeperElection(address: address, frameworkName: "etcd", logger: quietLogger),
                ZooKeeperElection(address: address, frameworkName: "etcd", logger: quietLogger)
            ) { await $0.release() }
        }
    }

    @Test func zooKeeperNodeDeletedMeansLeadershipLostAndTheNextLeads() async throws {
        try await withZooKeeperServer { server in
            let address = ZooKeeperPersistAddress(servers: [server.connectString], chroot: "/e")
            let election = ZooKeeperElection(
                address: address, frameworkName: "etcd", logger: quietLogger)
            try await secondWaitsThenLeads(election, election) { term in
                // Someone removes the leader's node (as ZooKeeper does when its session expires).
                try await withPlainClient(server) { client in
                    for child in try await client.children("/e/etcd_election") {
                        try await client.delete("/e/etcd_election/" + child)
                        break
                    }
                }
                await #expect(throws: SchedulerElectionError.self) {
                    try await term.watchForLoss()
                }
            }
        }
    }
}

import EtcdMesosTesting
import Foundation
import Reconciler
import Testing
import ZooKeeper

@testable import EtcdScheduler

/// Runs `body` with a plain client of `server`, closed afterwards whatever happens.
func withPlainClient(
    _ server: ZooKeeperServer, isolation: isolated (any Actor)? = #isolation,
    _ body: (ZooKeeperClient) async throws -> Void
) async throws {
    let client = try await ZooKeeperClient.connect(server.connectString, logger: quietLogger)
    do {
        try await body(client)
        await client.close()
    } catch {
        await client.close()
        throw error
    }
}

/// Runs `body` with a store on `server` under `chroot`, closed afterwards whatever happens.
func withStore(
    _ server: ZooKeeperServer, chroot: String, name: String = "etcd",
    operationTimeout: Duration = .seconds(10),
    sessionTimeout: Duration = .seconds(10), isolation: isolated (any Actor)? = #isolation,
    _ body: (ZooKeeperClusterStateStore) async throws -> Void
) async throws {
    let store = ZooKeeperClusterStateStore(
        address: ZooKeeperPersistAddress(servers: [server.connectString], chroot: chroot),
        frameworkName: name,
        operationTimeout: operationTimeout, sessionTimeout: sessionTimeout, logger: quietLogger)
    do {
        try await body(store)
        await store.close()
    } catch {
        await store.close()
        throw error
    }
}

extension ZooKeeperClient {
    func text(_ path: String) async throws -> String {
        String(decoding: try await get(path).data, as: UTF8.self)
    }
}

@Suite("ZooKeeper state store")
struct ZooKeeperStateStoreTests {
    @Test(
        "round trip, the original's znodes kept in step, a deep chroot, and clearing the framework")
    func roundTripAndMirror() async throws {
        try await withZooKeeperServer { server in
            try await withStore(server, chroot: "/dcos/etcd-mesos") {
                (store: ZooKeeperClusterStateStore) async throws in
                #expect(try await store.load() == nil)
                try await store.save(sampleState(epoch: 1))
                try await store.save(sampleState(epoch: 2))
            }
            try await withStore(server, chroot: "/dcos/etcd-mesos") {
                (store: ZooKeeperClusterStateStore) async throws in
                #expect(try await store.load() == sampleState(epoch: 2))
            }
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                #expect(try await client.text("/dcos/etcd-mesos/etcd_framework_id") == "fw-0001")
                // Only tasks with an agent, as the original wrote them on TASK_RUNNING.
                #expect(
                    try await client.text("/dcos/etcd-mesos/etcd_reconciliation")
                        == "{\"etcd-1700000001 127.0.0.2 31000 31001 31002\":\"agent-S1\"}")
                #expect(
                    try await client.text("/dcos/etcd-mesos/etcd_state").contains(
                        "\"clusterEpoch\" : 2"))
            }

            try await withStore(server, chroot: "/dcos/etcd-mesos") {
                (store: ZooKeeperClusterStateStore) async throws in
                _ = try await store.load()
                try await store.clearFramework()
            }
            var cleared = sampleState(epoch: 2)
            cleared.frameworkID = nil
            cleared.tasks = []
            try await withStore(server, chroot: "/dcos/etcd-mesos") {
                (store: ZooKeeperClusterStateStore) async throws in
                #expect(try await store.load() == cleared)
            }
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                #expect(try await client.children("/dcos/etcd-mesos") == ["etcd_state"])
            }
        }
    }

    @Test("migration: the original's two znodes become the state, and saving keeps them readable")
    func migrationFromTheOriginal() async throws {
        try await withZooKeeperServer { server in
            let running =
                "{\"etcd-1 10.0.0.2 31000 31001 31002\":\"S1\",\"etcd-2 10.0.0.3 31000 31001 31002\":\"S2\"}"
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                try await client.create("/etcd-mesos")
                try await client.create(
                    "/etcd-mesos/etcd_framework_id", data: Data("20150101-0001".utf8))
                try await client.create("/etcd-mesos/etcd_reconciliation", data: Data(running.utf8))
                try await client.create("/fresh")
                try await client.create(
                    "/fresh/etcd_framework_id", data: Data("20150101-0002".utf8))
            }
            let expected = PersistedClusterState(
                frameworkID: "20150101-0001",
                tasks: [
                    PersistedTask(taskID: "etcd-1 10.0.0.2 31000 31001 31002", agentID: "S1"),
                    PersistedTask(taskID: "etcd-2 10.0.0.3 31000 31001 31002", agentID: "S2"),
                ],
                clusterEpoch: 1, clusterFormed: true)
            try await withStore(server, chroot: "/etcd-mesos") {
                (store: ZooKeeperClusterStateStore) async throws in
                let migrated = try await store.load()
                #expect(migrated == expected)
                #expect(migrated?.mayHoldData == true)
                try await store.save(expected)
            }
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                #expect(try await client.text("/etcd-mesos/etcd_framework_id") == "20150101-0001")
                #expect(try await client.text("/etcd-mesos/etcd_reconciliation") == running)
                #expect(try await client.exists("/etcd-mesos/etcd_state") != nil)
            }
            // A framework ID without a reconciliation map: registered, but no member ever ran.
            try await withStore(server, chroot: "/fresh") {
                (store: ZooKeeperClusterStateStore) async throws in
                #expect(
                    try await store.load() == PersistedClusterState(frameworkID: "20150101-0002"))
            }
        }
    }

    @Test("a corrupt znode is refused, naming it and the ensemble, and never overwritten")
    func corruptZnodeRefused() async throws {
        try await withZooKeeperServer { server in
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                try await client.createParents("/bad/etcd_state")
                try await client.set("/bad/etcd_state", data: Data("{\"format\": 1, \"sta".utf8))
                try await client.createParents("/badmap/etcd_reconciliation")
                try await client.set("/badmap/etcd_reconciliation", data: Data("[1, 2]".utf8))
            }
            try await withStore(server, chroot: "/bad") {
                (store: ZooKeeperClusterStateStore) async throws in
                let error = await #expect(throws: ClusterStateStoreError.self) {
                    try await store.load()
                }
                #expect(
                    error?.description.hasPrefix(
                        "refusing to start: the persisted state in ZooKeeper znode /bad/etcd_state on "
                            + "\(server.connectString) cannot be read (not valid JSON)") == true)
                await #expect(throws: ClusterStateStoreError.self) {
                    try await store.save(sampleState())
                }
            }
            try await withStore(server, chroot: "/badmap") {
                (store: ZooKeeperClusterStateStore) async throws in
                let error = await #expect(throws: ClusterStateStoreError.self) {
                    try await store.load()
                }
                #expect(error?.description.contains("/badmap/etcd_reconciliation") == true)
            }
            try await withPlainClient(server) { (client: ZooKeeperClient) async throws in
                #expect(try await client.text("/bad/etcd_state") == "{\"format\": 1, \"sta")
            }
        }
    }

    @Test("a second scheduler writing the same state is detected, not overwritten")
    func concurrentWriterDetected() async throws {
        try await withZooKeeperServer { server in
            try await withStore(server, chroot: "/etcd-mesos") {
                (first: ZooKeeperClusterStateStore) async throws in
                try await withStore(server, chroot: "/etcd-mesos") {
                    (second: ZooKeeperClusterStateStore) async throws in
                    #expect(try await first.load() == nil)
                    #expect(try await second.load() == nil)
                    try await first.save(sampleState(frameworkID: "first"))
                    let error = await #expect(throws: ClusterStateStoreError.self) {
                        try await second.save(sampleState(frameworkID: "second"))
                    }
                    let znode = "ZooKeeper znode /etcd-mesos/etcd_state on \(server.connectString)"
                    #expect(error == .concurrentModification(location: znode))
                    try await first.save(sampleState(frameworkID: "first", epoch: 4))
                    #expect(try await second.load() == sampleState(frameworkID: "first", epoch: 4))
                }
            }
        }
    }

    @Test("the store reconnects after its session expires")
    func reconnectsAfterExpiry() async throws {
        try await withZooKeeperServer { server in
            try await withStore(server, chroot: "/etcd-mesos", sessionTimeout: .seconds(4)) {
                (store: ZooKeeperClusterStateStore) async throws in
                _ = try await store.load()
                let expiring = try #require(await store.client)
                let credentials = try #require(expiring.sessionCredentials)
                // As Curator's KillSession does: take the session over from a second client and close it there.
                // If the store's client wins the session back before the close, the next round ends it.
                // 60 s: the first minute of a full run starves the cooperative pool on two cores (seen at 15 s).
                try await eventually(
                    timeout: .seconds(60), poll: .milliseconds(500), "the store's session to expire"
                ) {
                    do {
                        _ = try await expiring.exists("/")
                    } catch ZooKeeperError.sessionExpired {
                        return true
                    } catch {}
                    let thief = try await ZooKeeperClient.connect(
                        server.connectString, resuming: credentials, logger: quietLogger)
                    await thief.close()
                    return false
                }
                try await store.save(sampleState())
                #expect(await store.client?.sessionID != credentials.sessionID)
                #expect(try await store.load() == sampleState())
            }
        }
    }

    @Test("ZooKeeper going away: a clear error within the bound, then recovery when it is back")
    func serverRestart() async throws {
        try await withZooKeeperServer { server in
            try await withStore(server, chroot: "/etcd-mesos", operationTimeout: .seconds(2)) {
                (store: ZooKeeperClusterStateStore) async throws in
                _ = try await store.load()
                try await store.save(sampleState(epoch: 1))
                await server.stop()
                let clock = ContinuousClock()
                let started = clock.now
                let error = await #expect(throws: ClusterStateStoreError.self) {
                    try await store.save(sampleState(epoch: 2))
                }
                // A hang guard: the first minute of a full run on two cores has starved such waits past 30 s.
                #expect(clock.now - started < .seconds(120))
                #expect(
                    error?.description.hasPrefix(
                        "ZooKeeper zk://\(server.connectString)/etcd-mesos did not answer within 2s "
                            + "(write /etcd-mesos/etcd_state)") == true,
                    "\(String(describing: error))")
                try await server.start()
                try await eventually(timeout: .seconds(15), "the store to save again") {
                    try await store.save(sampleState(epoch: 3))
                    return true
                }
                #expect(try await store.load() == sampleState(epoch: 3))
            }
        }
    }

    @Test("an unreachable ensemble fails within the bound, naming its address")
    func unreachable() async throws {
        let address = "127.0.0.1:\(try FreePort.allocate())"
        let store = ZooKeeperClusterStateStore(
            address: ZooKeeperPersistAddress(servers: [address], chroot: "/etcd-mesos"),
            frameworkName: "etcd",
            operationTimeout: .seconds(2), logger: quietLogger)
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: ClusterStateStoreError.self) { try await store.load() }
        await store.close()
        let elapsed = clock.now - started
        // What matters is that it ends at all; the slack is for CI running every suite at once on two cores,
        // whose first minute has starved this wait past 30 s.
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(120), "took \(elapsed)")
        #expect(
            error?.description.hasPrefix(
                "ZooKeeper zk://\(address)/etcd-mesos did not answer within 2s (read /etcd-mesos/etcd_state): "
                    + "could not connect to ZooKeeper at \(address)") == true,
            "\(String(describing: error))")
    }
}

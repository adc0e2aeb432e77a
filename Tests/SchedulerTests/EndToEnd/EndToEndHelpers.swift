import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import LocalMesos

/// What every end-to-end scheduler run shares: local Mesos at `master`, small sandboxes, the built
/// executor, Debian's etcd, and a state file.
func schedulerArguments(
    master: String, stateFile: String, clusterSize: Int = 3, extra: [String] = []
) throws -> [String] {
    [
        "-master=\(master)",
        "-framework-name=etcd-e2e",
        "-cluster-size=\(clusterSize)",
        "-framework-persist-file=\(stateFile)",
        "-executor-bin=\(try BuildProducts.executable("etcd-mesos-executor"))",
        "-etcd-bin=/usr/bin/etcd",
        "-etcdctl-bin=/usr/bin/etcdctl",
        "-address=127.0.0.1",
        "-artifact-port=\(try FreePort.allocate())",
        "-sandbox-cpu-limit=0.2",
        "-sandbox-mem-limit=256",
        "-sandbox-disk-limit=256",
    ] + extra
}

/// Waits until the scheduler reports `size` running members and a healthy cluster, and etcd agrees:
/// `size` voting members, all started.
func waitForHealthyCluster(
    _ scheduler: SchedulerProcess, size: Int, timeout: Duration, _ what: String
) async throws {
    try await eventually(timeout: timeout, poll: .milliseconds(250), what) {
        guard try await scheduler.stat("running_servers") == size,
            try await scheduler.stat("healthy") == 1
        else {
            return false
        }
        let urls = try await scheduler.runningClientURLs()
        guard urls.count == size, let first = urls.first else { return false }
        let members = try await EtcdClient.withClient(endpoint: first, callTimeout: .seconds(2)) {
            try await $0.memberList()
        }
        return members.count == size && members.allSatisfy { !$0.isLearner && !$0.name.isEmpty }
    }
}

/// Writes `count` keys `<prefix>0000…` through `endpoint`. Like etcd's own clients, a put that meets an
/// unavailable member (a connection cut by a membership change) is retried a few times.
func writeKeys(_ count: Int, prefix: String, via endpoint: String) async throws {
    try await EtcdClient.withClient(endpoint: endpoint, callTimeout: .seconds(5)) { client in
        for index in 0..<count {
            var attempt = 0
            while true {
                do {
                    try await client.put(
                        "\(prefix)\(String(format: "%05d", index))", value: "value-\(index)")
                    break
                } catch let error as EtcdClientError {
                    guard case .unavailable = error, attempt < 10 else { throw error }
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
    }
}

/// How many keys start with `prefix`, as `endpoint` sees them (a linearizable read).
func countKeys(prefix: String, via endpoint: String) async throws -> Int64 {
    try await EtcdClient.withClient(endpoint: endpoint, callTimeout: .seconds(5)) { client in
        try await client.range(prefix: prefix, limit: 1).count
    }
}

/// The local agent that runs the member with `clientURL` (its host is the agent's address).
func agent(runningMemberAt clientURL: String, in mesos: LocalCluster) async throws -> LocalAgent {
    let host = URL(string: clientURL)?.host
    for agent in mesos.agents where await agent.configuration.hostname == host { return agent }
    throw SchedulerTestError("no local agent runs the member at \(clientURL)")
}

/// `POST /backups`: the manifest of the backup the scheduler took; throws with its answer unless 201.
func takeBackup(_ scheduler: SchedulerProcess) async throws -> BackupManifest {
    let taken = try await scheduler.post("/backups")
    guard taken.status == 201 else {
        throw SchedulerTestError(
            "POST /backups answered \(taken.status): \(String(decoding: taken.body, as: UTF8.self))"
        )
    }
    return try BackupManifest.decode(taken.body)
}

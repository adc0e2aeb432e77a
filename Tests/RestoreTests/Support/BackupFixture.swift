import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Logging
import Testing

/// Two real backups of a one-member etcd 3.4 cluster, made once for the suite in a temporary directory that is
/// removed when the suite ends. The cluster itself is stopped as soon as the backups exist.
///
/// Each client makes at most about 60 calls: etcd's gRPC server answers data with PINGs, and swift-nio-http2
/// closes a connection that receives more than 200 control frames in 30 s.
///
/// `older` holds 200 keys; `newer` holds 299 live keys (`key0000`…`key0299` without `key0001`, which was
/// deleted), and `key0000` was overwritten ten times, so its stored revisions outnumber its live keys.
struct BackupFixture: Sendable {
    static let clusterName = "restore-test"
    static let liveKeysInNewer = 299

    /// The backup directory (archives and sidecars).
    let directory: String
    let older: BackupManifest
    let newer: BackupManifest
    /// The live keys of `newer` and their values.
    let newerKeys: [String: String]

    var newerArchive: String { "\(directory)/\(newer.archiveFileName)" }
    var olderArchive: String { "\(directory)/\(older.archiveFileName)" }

    /// The fixture of the running suite.
    @TaskLocal static var current: BackupFixture?

    static func require() throws -> BackupFixture {
        try #require(current, "the suite must carry the .backupFixture trait")
    }

    static func make(in directory: String) async throws -> BackupFixture {
        try await withEtcdCluster(members: 1) { cluster in
            let member = try #require(cluster.members.first)
            var logger = Logger(label: "restore-tests")
            logger.logLevel = .warning
            let backup = EtcdSnapshotBackup(
                archiver: SnapshotArchiver(
                    directory: directory, compression: BackupCompression(level: 1),
                    toolVersion: "restore-tests"),
                logger: logger)
            let target = BackupTarget(
                clusterName: clusterName, clusterEpoch: 2,
                members: [BackupSourceCandidate(endpoint: member.clientURL, name: member.name)])
            var keys: [String: String] = [:]
            for batch in stride(from: 0, to: 200, by: 50) {
                try await EtcdClient.withClient(
                    endpoint: member.clientURL, callTimeout: .seconds(10)
                ) { client in
                    for index in batch..<batch + 50 {
                        keys[key(index)] = try await put(index, client)
                    }
                }
            }
            let older = try await backup.take(of: target)
            try await EtcdClient.withClient(endpoint: member.clientURL, callTimeout: .seconds(10)) {
                client in
                for index in 200..<250 { keys[key(index)] = try await put(index, client) }
            }
            try await EtcdClient.withClient(endpoint: member.clientURL, callTimeout: .seconds(10)) {
                client in
                for index in 250..<300 { keys[key(index)] = try await put(index, client) }
                for round in 1...10 {
                    keys[key(0)] = "overwritten \(round)"
                    try await client.put(key(0), value: "overwritten \(round)")
                }
                try await client.delete(key(1))
                keys[key(1)] = nil
            }
            let newer = try await backup.take(of: target)
            return BackupFixture(directory: directory, older: older, newer: newer, newerKeys: keys)
        }
    }

    static func key(_ index: Int) -> String { String(format: "key%04d", index) }

    private static func put(_ index: Int, _ client: EtcdClient) async throws -> String {
        let value =
            "{\"index\":\(index),\"payload\":\"\(String(repeating: "v", count: 64 + index % 50))\"}"
        try await client.put(key(index), value: value)
        return value
    }
}

/// Makes the suite's `BackupFixture` before its first test and removes it after its last.
struct BackupFixtureTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "restore-fixture")
        defer { directory.remove() }
        let fixture = try await BackupFixture.make(in: directory.path)
        try await BackupFixture.$current.withValue(fixture) { try await function() }
    }
}

extension Trait where Self == BackupFixtureTrait {
    /// Real backups shared by the suite's tests (read them, copy them; never change them).
    static var backupFixture: Self { Self() }
}

extension BackupManifest {
    /// `created_at` as the manifest's JSON has it (`2024-01-31T23:59:59.123Z`).
    var createdAtText: String { BackupTimestamp.iso8601(createdAt) }
}

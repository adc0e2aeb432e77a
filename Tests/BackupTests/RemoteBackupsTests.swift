import EtcdMesosTesting
import Foundation
import Logging
import ObjectStore
import Testing

@testable import Backup

/// Backups in a real S3-compatible store (SeaweedFS): what goes up, what comes back, and that no failure of the
/// store ever costs the local copy.
@Suite("Backups in an object store (SeaweedFS)", .serialized)
struct RemoteBackupsTests {
    static let location = S3Location(bucket: "etcd-backups", prefix: "cluster-a")
    static let quiet: Logger = {
        var logger = Logger(label: "remote-backups-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func remote(
        _ server: SeaweedFSServer, cache: String, bucket: String = "etcd-backups",
        secret: String = SeaweedFSServer.secretAccessKey, endpoint: String? = nil,
        key: BackupEncryptionKey? = nil
    ) throws -> RemoteBackups {
        RemoteBackups(
            location: S3Location(bucket: bucket, prefix: "cluster-a"),
            endpoint: try S3Endpoint(parsing: endpoint ?? server.endpoint),
            region: SeaweedFSServer.region,
            credentials: S3Credentials(
                accessKeyID: SeaweedFSServer.accessKeyID, secretAccessKey: secret),
            cache: BackupStore(directory: cache), encryptionKey: key,
            retry: S3RetryPolicy(attempts: 2, firstDelay: .milliseconds(20)), logger: quiet)
    }

    static func backups(_ count: Int, in directory: String) async throws -> [BackupManifest] {
        var written: [BackupManifest] = []
        for seed in 0..<count {
            written.append(
                try await writeSyntheticBackup(
                    SyntheticSnapshot(databaseBytes: 300_000, seed: UInt64(seed + 1)),
                    in: directory))
        }
        return written
    }

    static func keys(_ remote: RemoteBackups) async throws -> [String] {
        try await remote.client.list(prefix: "").map(\.key)
    }

    @Test(
        "backups go up and come back verified; retention and the cache never drop what the store lacks"
    )
    func uploadListFetchRetain() async throws {
        try await withSeaweedFS { server in
            try await withBackupDirectory { cache, _ in
                let written = try await Self.backups(3, in: cache)
                let remote = try Self.remote(server, cache: cache)
                try await remote.client.createBucket()

                // Nothing is pruned from the cache before the store has it.
                #expect(await remote.pruneCache(keep: 1).isEmpty)
                let uploaded = await remote.uploadPending()
                #expect(Set(uploaded) == Set(written.map(\.id)))
                #expect(try await Self.keys(remote).count == 6)
                let listed = try await remote.refresh()
                #expect(listed.map(\.id) == BackupStore.newestFirst(written).map(\.id))
                #expect(await remote.currentStatistics().foreignObjects.isEmpty)
                #expect(await remote.currentStatistics().uploads == 3)
                #expect(await remote.currentStatistics().problem == nil)

                // The cache keeps the newest; an older one comes back from the store, verified.
                let pruned = await remote.pruneCache(keep: 1)
                #expect(pruned.count == 2)
                #expect(try BackupStore(directory: cache).list().count == 1)
                let oldest = try #require(listed.last)
                let fetched = try await remote.fetch(oldest.id)
                #expect(fetched.manifest == oldest)
                #expect(
                    try BackupStore(directory: cache).verify(id: oldest.id).manifest.id == oldest.id
                )

                // Retention runs on the store: the newest stays, whatever the rule.
                let deleted = await remote.applyRetention(
                    RetentionPolicy(keepNewest: 1), newestAttemptFailed: false)
                #expect(deleted.count == 2)
                #expect(try await remote.refresh().map(\.id) == [listed[0].id])
                #expect(try await Self.keys(remote).count == 2)
                // Nothing while the newest attempt failed.
                #expect(
                    await remote.applyRetention(
                        RetentionPolicy(keepNewest: 1), newestAttemptFailed: true
                    )
                    .isEmpty)
            }
        }
    }

    @Test(
        "an unreachable store, refused credentials, a missing bucket: named, counted, the local copy kept"
    )
    func storeFailuresKeepTheLocalCopy() async throws {
        try await withSeaweedFS { server in
            try await withBackupDirectory { cache, _ in
                let written = try await Self.backups(1, in: cache)
                try await Self.remote(server, cache: cache).client.createBucket()
                let unreachable = "http://127.0.0.1:\(try FreePort.allocate())"
                let cases: [(RemoteBackups, String)] = [
                    (
                        try Self.remote(server, cache: cache, endpoint: unreachable),
                        "is unreachable"
                    ),
                    (
                        try Self.remote(server, cache: cache, secret: "wrong"),
                        "refused the credentials"
                    ),
                    (
                        try Self.remote(server, cache: cache, bucket: "no-such-bucket"),
                        "does not exist"
                    ),
                ]
                for (remote, message) in cases {
                    #expect(await remote.uploadPending().isEmpty)
                    let statistics = await remote.currentStatistics()
                    #expect(statistics.uploadFailures == 1)
                    #expect(statistics.pending == 1)
                    #expect(statistics.lastError?.contains(message) == true, "\(statistics)")
                    #expect(statistics.problem?.contains(message) == true)
                    await #expect(throws: ObjectStoreError.self) { try await remote.refresh() }
                    #expect(await remote.pruneCache(keep: 1).isEmpty)
                    #expect(try BackupStore(directory: cache).list().map(\.id) == [written[0].id])
                }
                #expect(
                    await cases[0].0.currentStatistics().retries >= 1,
                    "an unreachable store is retried")
                #expect(await cases[1].0.currentStatistics().retries == 0, "a 403 is not retried")
            }
        }
    }

    @Test(
        "objects under the prefix that are not a backup are reported, never listed, never deleted")
    func foreignObjects() async throws {
        try await withSeaweedFS { server in
            try await withBackupDirectory { cache, _ in
                let remote = try Self.remote(server, cache: cache)
                try await remote.client.createBucket()
                let written = try await Self.backups(2, in: cache)
                await remote.uploadPending()
                let foreign = [
                    "cluster-a/notes.txt", "cluster-a/lonely-20260101T000000Z-r1.tar.zst",
                    "cluster-a/sub/x.tar.zst.json",
                    "cluster-a/orphan-20260101T000000Z-r2.tar.zst.json",
                ]
                for key in foreign {
                    try await remote.client.putObject(Data("not a backup".utf8), key: key)
                }
                try await remote.client.putObject(Data("elsewhere".utf8), key: "other/notes.txt")

                let listed = try await remote.refresh()
                #expect(Set(listed.map(\.id)) == Set(written.map(\.id)))
                #expect(await remote.currentStatistics().foreignObjects == foreign.sorted())

                let deleted = await remote.applyRetention(
                    RetentionPolicy(keepNewest: 1), newestAttemptFailed: false)
                #expect(deleted.count == 1)
                let left = Set(try await Self.keys(remote))
                for key in foreign + ["other/notes.txt"] { #expect(left.contains(key), "\(key)") }
            }
        }
    }

    @Test(
        "a truncated or tampered archive in the store is refused on fetch, and nothing lands in the cache"
    )
    func damagedObjectsRefused() async throws {
        try await withSeaweedFS { server in
            try await withBackupDirectory { cache, _ in
                let remote = try Self.remote(server, cache: cache)
                try await remote.client.createBucket()
                let backup = try #require(try await Self.backups(1, in: cache).first)
                await remote.uploadPending()
                let archivePath = cache + "/" + backup.archiveFileName
                let original = try #require(FileManager.default.contents(atPath: archivePath))
                try BackupStore(directory: cache).delete(id: backup.id)
                let key = Self.location.key(backup.archiveFileName)

                var tampered = original
                tampered[tampered.count / 2] ^= 0xff
                for (damaged, reason) in [
                    (original.prefix(original.count - 100), "truncated"),
                    (tampered, "tampered"),
                ] {
                    try await remote.client.putObject(Data(damaged), key: key)
                    await #expect(throws: (any Error).self, "a \(reason) archive") {
                        try await remote.fetch(backup.id)
                    }
                    #expect(try filesIn(cache).isEmpty, "a \(reason) archive left files")
                }
                try await remote.client.putObject(original, key: key)
                #expect(try await remote.fetch(backup.id).manifest == backup)
                await #expect(throws: BackupStoreError.notFound(id: "absent")) {
                    try await remote.fetch("absent")
                }
            }
        }
    }

    @Test(
        "with a key, archives go up encrypted and the sidecar names only the key's ID; a wrong or no key is refused"
    )
    func encryptedArchives() async throws {
        try await withSeaweedFS { server in
            try await withBackupDirectory { cache, _ in
                let key = try BackupEncryptionKey(bytes: Data(repeating: 7, count: 32))
                let remote = try Self.remote(server, cache: cache, key: key)
                try await remote.client.createBucket()
                let backup = try #require(try await Self.backups(1, in: cache).first)
                #expect(await remote.uploadPending() == [backup.id])
                let archiveKey = Self.location.key(backup.archiveFileName + ".enc")
                let sidecarKey = Self.location.key(backup.archiveFileName + ".json")
                #expect(try await Self.keys(remote) == [archiveKey, sidecarKey])

                let sidecarText = try await remote.client.getObject(
                    key: sidecarKey, maximumSize: 65536)
                let stored = try BackupManifest.decode(sidecarText)
                #expect(stored.encryption?.keyID == key.id)
                #expect(stored.encryption?.algorithm == "AES-256-GCM-STREAM-v1")
                #expect(String(decoding: sidecarText, as: UTF8.self).range(of: "0707070707") == nil)
                let local = try #require(
                    FileManager.default.contents(atPath: cache + "/" + backup.archiveFileName))
                let object = try await remote.client.getObject(
                    key: archiveKey, maximumSize: 1 << 24)
                #expect(UInt64(object.count) == stored.encryption?.encryptedSize)
                #expect(
                    object.range(of: local.prefix(64)) == nil, "the archive's bytes are visible")
                #expect(
                    object.range(of: Data("cluster_name".utf8)) == nil, "the manifest is visible")
                #expect(try await remote.refresh().map(\.id) == [backup.id])

                // Back with the key: decrypted and verified into the cache, in the clear there.
                try BackupStore(directory: cache).delete(id: backup.id)
                let fetched = try await remote.fetch(backup.id)
                #expect(fetched.manifest == backup)
                #expect(FileManager.default.contents(atPath: fetched.archivePath) == local)

                // Another key, or none: refused by name, nothing left in the cache.
                try BackupStore(directory: cache).delete(id: backup.id)
                let otherKey = try BackupEncryptionKey(bytes: Data(repeating: 9, count: 32))
                await #expect(
                    throws: BackupEncryptionError.wrongKey(
                        archiveKeyID: key.id, givenKeyID: otherKey.id)
                ) {
                    try await Self.remote(server, cache: cache, key: otherKey).fetch(backup.id)
                }
                await #expect(throws: BackupEncryptionError.keyRequired(keyID: key.id)) {
                    try await Self.remote(server, cache: cache).fetch(backup.id)
                }
                #expect(try filesIn(cache).isEmpty)
            }
        }
    }
}

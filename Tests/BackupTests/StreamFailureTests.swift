import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

@Suite("A failed snapshot leaves nothing behind")
struct StreamFailureTests {
    @Test("an etcd that dies mid-stream leaves no archive and no temp file")
    func memberDiesMidStream() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let member = cluster.members[0]
                // Larger than every buffer between etcd and us, so the kill cuts the stream for sure.
                try await writeKeys(
                    count: 48, valueBytes: 1_000_000, prefix: "big/", to: member.clientURL,
                    parallel: 4)
                let gate = FirstChunkGate()
                defer { gate.open() }
                let service = try makeService(
                    directory: backups, cluster: cluster, progress: gate.observer)
                let attempt = Task { try await service.takeBackup() }
                _ = try await gate.firstChunkReached()
                #expect(try filesIn(backups).count == 1, "the temp file exists while streaming")
                await cluster.kill(member)
                gate.open()

                let result = await attempt.result
                guard case .failure(let error) = result else {
                    Issue.record("the backup succeeded although its member was killed mid-stream")
                    return
                }
                guard case BackupError.streamFailed(let endpoint, _) = error else {
                    Issue.record("expected a stream failure, got \(error)")
                    return
                }
                #expect(endpoint == member.clientURL)
                #expect(try filesIn(backups) == [])
                #expect(try BackupStore(directory: backups).list().isEmpty)
                let statistics = await service.statistics
                #expect(statistics.failures == 1)
                #expect(statistics.lastError?.contains(member.clientURL) == true)
                #expect(statistics.running == nil)
            }
        }
    }

    @Test("a truncated or damaged stream is refused by etcd's hash check and leaves nothing behind")
    func hashCheckRefusesDamagedStreams() async throws {
        try await withBackupDirectory { backups, scratch in
            let (snapshot, status) = try await withEtcdCluster(members: 1) { cluster in
                let endpoint = cluster.members[0].clientURL
                try await writeKeys(count: 200, valueBytes: 5_000, prefix: "hash/", to: endpoint)
                let file = scratch + "/etcdctl.db"
                _ = try await cluster.binaries.etcdctl([
                    "--endpoints=\(endpoint)", "snapshot", "save", file,
                ])
                let status = try await EtcdClient.withClient(endpoint: endpoint) {
                    try await $0.status()
                }
                return (try Data(contentsOf: URL(fileURLWithPath: file)), status)
            }
            let source = SnapshotSource(
                candidate: BackupSourceCandidate(endpoint: "etcd-under-test"), status: status)
            let archiver = SnapshotArchiver(directory: backups, toolVersion: "tests")
            func archive(_ bytes: Data, announcing size: Int) async throws -> BackupManifest {
                try await archiver.archive(
                    chunks(of: bytes), announcedSize: UInt64(size), from: source, clusterName: "c",
                    clusterEpoch: 1)
            }

            // Cut short, and announced as that short: only the hash can tell.
            let truncated = snapshot.prefix(snapshot.count - 4096)
            await #expect {
                try await archive(Data(truncated), announcing: truncated.count)
            } throws: { error in
                guard
                    case BackupError.snapshotHashMismatch(let endpoint, let trailer, let computed) =
                        error
                else {
                    return false
                }
                return endpoint == "etcd-under-test" && trailer != computed
            }
            #expect(try filesIn(backups) == [])

            // Ending before the announced size.
            await #expect(
                throws: BackupError.snapshotSizeMismatch(
                    endpoint: "etcd-under-test", announced: UInt64(snapshot.count),
                    received: UInt64(truncated.count))
            ) {
                try await archive(Data(truncated), announcing: snapshot.count)
            }
            #expect(try filesIn(backups) == [])

            // One flipped bit in the middle of the database.
            var damaged = snapshot
            damaged[damaged.count / 2] ^= 0x01
            await #expect {
                try await archive(damaged, announcing: damaged.count)
            } throws: { error in
                if case BackupError.snapshotHashMismatch = error { return true }
                return false
            }
            #expect(try filesIn(backups) == [])

            // The intact stream passes, and the manifest's hash is etcd's trailer.
            let manifest = try await archive(snapshot, announcing: snapshot.count)
            #expect(
                manifest.dbSHA256 == snapshot.suffix(32).map { String(format: "%02x", $0) }.joined()
            )
            #expect(
                try filesIn(backups) == [
                    manifest.archiveFileName, manifest.archiveFileName + ".json",
                ])
        }
    }
}

/// `bytes` as a stream of 32 KiB chunks, the size etcd sends.
func chunks(of bytes: Data, size: Int = 32 * 1024) -> AsyncStream<Data> {
    AsyncStream { continuation in
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + size, bytes.count)
            continuation.yield(bytes.subdata(in: offset..<end))
            offset = end
        }
        continuation.finish()
    }
}

import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

@Suite("A backup archive round-trips into a working etcd member")
struct SnapshotRoundTripTests {
    @Test(
        "extract → db sha256 matches the manifest → snapshot status reads it → a restored member has the keys",
        arguments: EtcdBinaries.supported)
    func roundTrip(binaries: EtcdBinaries) async throws {
        try await withBackupDirectory { backups, scratch in
            try await withEtcdCluster(members: 1, binaries: binaries) { cluster in
                let endpoint = cluster.members[0].clientURL
                let written = try await writeKeys(
                    count: 120, valueBytes: 4_000, prefix: "round-trip/", to: endpoint)
                let service = try makeService(
                    directory: backups, cluster: cluster, clusterName: "alpha", epoch: 7)
                let manifest = try await service.takeBackup()

                #expect(manifest.clusterName == "alpha")
                #expect(manifest.clusterEpoch == 7)
                #expect(
                    manifest.id.hasPrefix("alpha-")
                        && manifest.id.hasSuffix("-r\(manifest.revision)"))
                #expect(manifest.etcdVersion == (try await binaries.version()))
                #expect(manifest.sourceMember.endpoint == endpoint)
                #expect(manifest.sourceMember.name == "m1")
                #expect(manifest.compression == "zstd")
                #expect(
                    try filesIn(backups) == [
                        manifest.archiveFileName, manifest.archiveFileName + ".json",
                    ])
                let archive = backups + "/" + manifest.archiveFileName
                #expect(manifest.archiveSize == (try fileSize(archive)))
                #expect(manifest.archiveSHA256 == (try sha256(ofFile: archive)))

                // GNU tar reads it as a plain .tar.zst, the manifest first (readers learn db_size before the db).
                let listing = try await runTool("/usr/bin/tar", ["--zstd", "-tf", archive])
                #expect(listing.split(separator: "\n") == ["manifest.json", "snapshot.db"])

                let database = scratch + "/snapshot.db"
                let verified = try BackupStore(directory: backups).verify(
                    id: manifest.id, expectedCluster: "alpha", extractDatabaseTo: database)
                #expect(verified.manifest == manifest)
                #expect(try fileSize(database) == manifest.dbSize + 32)
                #expect(try sha256(ofFile: database, length: manifest.dbSize) == manifest.dbSHA256)

                let status = try await SnapshotFileStatus.read(database, with: binaries)
                #expect(status.revision == manifest.revision)
                #expect(status.totalKey >= written.count)

                try await withRestoredMember(from: database, binaries: binaries, in: scratch) {
                    restored in
                    try await EtcdClient.withClient(endpoint: restored) { client in
                        let range = try await client.range(prefix: "round-trip/")
                        #expect(range.count == Int64(written.count))
                        #expect(range.revision == manifest.revision)
                        for kv in range.kvs {
                            let key = String(decoding: kv.key, as: UTF8.self)
                            #expect(written[key] == String(decoding: kv.value, as: UTF8.self))
                        }
                    }
                }
            }
        }
    }
}

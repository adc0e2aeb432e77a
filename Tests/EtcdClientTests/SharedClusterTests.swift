import Crypto
import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

extension RealClusterTests {
    /// Reads and writes that leave the membership alone, so they share one cluster per etcd version.
    @Suite("On a shared cluster", .sharedClusters)
    struct OnSharedCluster {
        @Test(
            "every member runs the version its binaries report", arguments: EtcdBinaries.supported)
        func versionMatchesBinaries(binaries: EtcdBinaries) async throws {
            let cluster = try SharedClusters.cluster(for: binaries)
            let expected = try await binaries.version()
            var leaders = Set<UInt64>()
            for member in cluster.members {
                let status = try await EtcdClient.withClient(endpoint: member.clientURL) {
                    try await $0.status()
                }
                #expect(status.version == expected)
                #expect(status.errors.isEmpty && !status.isLearner)
                leaders.insert(status.leader)
            }
            #expect(leaders.count == 1 && !leaders.contains(0))
        }

        @Test("put, range and delete round trip", arguments: EtcdBinaries.supported)
        func keyValueRoundTrip(binaries: EtcdBinaries) async throws {
            let members = try SharedClusters.cluster(for: binaries).members
            try await EtcdClient.withClient(endpoint: members[0].clientURL) { client in
                let first = try await client.put("app/a", value: "1")
                let second = try await client.put("app/b", value: "2")
                try await client.put(Array("app/c".utf8), value: [0, 0xff, 0x10])
                #expect(second == first + 1)

                let all = try await client.range(prefix: "app/")
                #expect(all.kvs.map(\.keyString) == ["app/a", "app/b", "app/c"])
                #expect(
                    all.kvs.map(\.value) == [Array("1".utf8), Array("2".utf8), [0, 0xff, 0x10]])
                #expect(all.count == 3)
                #expect(all.revision == second + 1)
                #expect(all.kvs[1].modRevision == second && all.kvs[1].version == 1)

                let limited = try await client.range(prefix: "app/", limit: 1)
                #expect(limited.kvs.map(\.keyString) == ["app/a"])
                #expect(limited.count == 3)

                #expect(try await client.range("app/missing").kvs.isEmpty)
                #expect(try await client.delete("app/a") == 1)
                #expect(try await client.delete("app/missing") == 0)
                #expect(
                    try await client.delete(
                        Array("app/".utf8), end: EtcdClient.rangeEnd(forPrefix: "app/")) == 2)
                #expect(try await client.range(prefix: "app/").count == 0)
            }
            // Another member sees the same store: reads are linearizable.
            try await EtcdClient.withClient(endpoint: members[2].clientURL) { client in
                try await client.put("app/z", value: "last")
                #expect(try await client.range("app/z").kvs.first?.valueString == "last")
                try await client.delete("app/z")
            }
        }

        @Test("status agrees with etcdctl endpoint status", arguments: EtcdBinaries.supported)
        func statusAgreesWithEtcdctl(binaries: EtcdBinaries) async throws {
            let cluster = try SharedClusters.cluster(for: binaries)
            let listed = try await EtcdClient.withClient(endpoint: cluster.members[0].clientURL) {
                try await $0.memberList()
            }
            #expect(Set(listed.map(\.id)).count == cluster.members.count)
            for member in cluster.members {
                try await EtcdClient.withClient(endpoint: member.clientURL) { client in
                    // etcdctl runs between two of our calls: what may move must lie between them.
                    let before = try await client.status()
                    let output = try await binaries.etcdctl(
                        ["endpoint", "status", "-w", "json", "--endpoints=\(member.clientURL)"])
                    let after = try await client.status()
                    let ctl = try #require(try EtcdctlEndpointStatus.decode(output).first).status

                    #expect(ctl.header.memberID == before.memberID)
                    #expect(ctl.header.clusterID == before.clusterID)
                    #expect(ctl.version == before.version)
                    #expect(ctl.leader == before.leader && before.leader == after.leader)
                    #expect(ctl.raftTerm == before.raftTerm && before.raftTerm == after.raftTerm)
                    #expect((before.revision...after.revision).contains(ctl.header.revision))
                    #expect((before.raftIndex...after.raftIndex).contains(ctl.raftIndex))
                    #expect(
                        (before.raftAppliedIndex...after.raftAppliedIndex).contains(
                            ctl.raftAppliedIndex ?? 0))
                    #expect((before.dbSize...after.dbSize).contains(ctl.dbSize))
                    // On an idle cluster nothing moves: heartbeats append no entries.
                    #expect(
                        before.raftIndex == after.raftIndex && before.revision == after.revision)

                    let listedSelf = listed.first { $0.id == before.memberID }
                    #expect(listedSelf?.name == member.name)
                    #expect(listedSelf?.peerURLs == [member.peerURL])
                    #expect(listedSelf?.clientURLs == [member.clientURL])
                }
            }
        }

        @Test(
            "snapshot bytes equal etcdctl snapshot save of the same member",
            arguments: EtcdBinaries.supported)
        func snapshotMatchesEtcdctl(binaries: EtcdBinaries) async throws {
            let cluster = try SharedClusters.cluster(for: binaries)
            let member = cluster.members[1]
            try await EtcdClient.withClient(endpoint: member.clientURL) { client in
                try await writeKeys(
                    count: 200, valueBytes: 10_000, prefix: "snapshot/", via: client)
                // Both snapshots must see the same database: wait until every member has applied the writes.
                let revision = try await client.status().revision
                try await eventually("every member at revision \(revision)") {
                    for other in cluster.members {
                        let status = try await EtcdClient.withClient(endpoint: other.clientURL) {
                            try await $0.status()
                        }
                        if status.revision < revision { return false }
                    }
                    return true
                }

                var received = Data()
                var chunks = 0
                let totalSize = try await client.snapshot { stream in
                    for try await chunk in stream {
                        received.append(chunk)
                        chunks += 1
                    }
                    return stream.totalSize
                }
                #expect(totalSize == UInt64(received.count))
                #expect(received.count > 2_000_000 && chunks > 1)

                let file = cluster.directory + "/etcdctl-\(binaries.label).snapshot"
                _ = try await binaries.etcdctl([
                    "snapshot", "save", file, "--endpoints=\(member.clientURL)",
                ])
                let saved = try Data(contentsOf: URL(fileURLWithPath: file))
                #expect(saved.count == received.count)
                #expect(
                    saved == received,
                    "sha256 etcdctl \(SHA256.hash(data: saved)), client \(SHA256.hash(data: received))"
                )

                let trailerSize = Int(EtcdClient.snapshotHashSize)
                let database = received.prefix(received.count - trailerSize)
                #expect(Data(SHA256.hash(data: database)) == received.suffix(trailerSize))
            }
        }

        @Test(
            "a snapshot abandoned part way ends its call and leaves the client usable",
            arguments: EtcdBinaries.supported)
        func abandonedSnapshot(binaries: EtcdBinaries) async throws {
            let member = try SharedClusters.cluster(for: binaries).members[0]
            try await EtcdClient.withClient(endpoint: member.clientURL) { client in
                let firstChunk = try await client.snapshot { stream in
                    var iterator = stream.makeAsyncIterator()
                    return try await iterator.next()?.count
                }
                #expect((firstChunk ?? 0) > 0)
                #expect(try await client.status().memberID != 0)
            }
        }
    }
}

/// Puts `count` keys of `valueBytes` bytes each under `prefix`, four at a time.
func writeKeys(count: Int, valueBytes: Int, prefix: String, via client: EtcdClient) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<4 {
            group.addTask {
                for index in stride(from: worker, to: count, by: 4) {
                    let value = [UInt8](
                        (0..<valueBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
                    try await client.put(Array("\(prefix)\(index)".utf8), value: value)
                }
            }
        }
        try await group.waitForAll()
    }
}

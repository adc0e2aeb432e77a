import Backup
import EtcdMesosTesting
import Foundation
import Testing

@Suite("Retention keeps the right backups")
struct RetentionTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// Backups taken `ages` seconds before `now`, in the given order.
    static func backups(agedSeconds ages: [Double]) -> [BackupManifest] {
        ages.enumerated().map { index, age in
            let createdAt = now.addingTimeInterval(-age)
            return BackupManifest(
                id: BackupID.make(
                    clusterName: "c", createdAt: createdAt, revision: Int64(1000 - index)),
                clusterName: "c", clusterEpoch: 1,
                sourceMember: BackupSourceMember(
                    id: "1", name: nil, endpoint: "e", wasLeader: false),
                revision: Int64(1000 - index), raftIndex: 1, raftTerm: 1, etcdVersion: "3.4.23",
                dbSize: 1,
                dbSHA256: "", compressionLevel: 3, createdAt: createdAt, durationSeconds: 1,
                toolVersion: "t")
        }
    }

    static func deleted(_ policy: RetentionPolicy, ages: [Double], newestFailed: Bool = false)
        -> [Double]
    {
        let all = backups(agedSeconds: ages)
        let doomed = Set(
            policy.backupsToDelete(
                from: all.shuffled(), now: now, newestAttemptFailed: newestFailed
            ).map(\.id))
        return zip(ages, all).filter { doomed.contains($0.1.id) }.map(\.0).sorted()
    }

    @Test(
        "every rule and guard",
        arguments: [
            // (keep newest, keep within seconds, ages of the backups, newest attempt failed, ages expected deleted)
            (nil, nil, [10.0, 20, 30], false, [Double]()),
            (2, nil, [10, 20, 30, 40], false, [30, 40]),
            (1, nil, [40, 10, 30, 20], false, [20, 30, 40]),
            (5, nil, [10, 20], false, []),
            (nil, 25, [10, 20, 30, 40], false, [30, 40]),
            (nil, 5, [10, 20, 30], false, [20, 30]),  // the newest is kept though it is older than the limit
            (nil, 5, [100], false, []),
            (1, 25, [10, 20, 30], false, [30]),  // a backup any rule keeps is kept
            (3, 15, [10, 20, 30, 40, 50], false, [40, 50]),
            (1, nil, [10, 20, 30], true, []),  // nothing goes while the newest attempt failed
            (nil, 5, [10, 20, 30], true, []),
            (1, nil, [], false, []),
        ] as [(Int?, Double?, [Double], Bool, [Double])])
    func rules(
        keepNewest: Int?, keepWithin: Double?, ages: [Double], newestFailed: Bool,
        expected: [Double]
    ) {
        let policy = RetentionPolicy(
            keepNewest: keepNewest, keepWithin: keepWithin.map { .seconds($0) })
        #expect(Self.deleted(policy, ages: ages, newestFailed: newestFailed) == expected)
    }

    @Test("the store deletes exactly the archives and sidecars the policy drops")
    func storeDeletesFiles() async throws {
        try await withBackupDirectory { directory, _ in
            let all = Self.backups(agedSeconds: [10, 20, 30, 40])
            for manifest in all {
                let archive = URL(fileURLWithPath: "\(directory)/\(manifest.archiveFileName)")
                try Data("not read by retention".utf8).write(to: archive)
                try manifest.encoded().write(
                    to: URL(fileURLWithPath: "\(directory)/\(manifest.archiveFileName).json"))
            }
            let store = BackupStore(directory: directory)
            let keepNewest3 = RetentionPolicy(keepNewest: 3)
            #expect(
                try store.applyRetention(keepNewest3, now: Self.now, newestAttemptFailed: true)
                    == [])
            #expect(try store.list().count == 4)
            let deleted = try store.applyRetention(
                RetentionPolicy(keepNewest: 2), now: Self.now, newestAttemptFailed: false)
            #expect(deleted == [all[2].id, all[3].id])
            #expect(try store.list() == Array(all.prefix(2)))
            let kept = all.prefix(2).flatMap { [$0.archiveFileName, $0.archiveFileName + ".json"] }
            #expect(try filesIn(directory) == kept.sorted())
        }
    }

    @Test("with real etcd: a failed newest attempt deletes nothing; the next success prunes")
    func newestFailedKeepsEverything() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let member = cluster.members[0]
                let keepAll = try makeService(directory: backups, cluster: cluster)
                let first = try await keepAll.takeBackup(trigger: .periodic)
                try await writeKeys(count: 1, valueBytes: 10, prefix: "next/", to: member.clientURL)
                let second = try await keepAll.takeBackup(trigger: .periodic)
                #expect(
                    try BackupStore(directory: backups).list().map(\.id) == [second.id, first.id])

                // Restarted with a stricter policy, while etcd is down.
                let strict = try makeService(
                    directory: backups, cluster: cluster, retention: RetentionPolicy(keepNewest: 1),
                    callTimeout: .seconds(2))
                await cluster.stop(member)
                _ = try? await strict.takeBackup(trigger: .periodic)
                #expect(await strict.statistics.failures == 1)
                #expect(try await strict.applyRetention() == [])
                #expect(
                    try BackupStore(directory: backups).list().map(\.id) == [second.id, first.id])

                try await cluster.restart(member)
                try await writeKeys(
                    count: 1, valueBytes: 10, prefix: "after/", to: member.clientURL)
                let third = try await strict.takeBackup(trigger: .periodic)
                #expect(try BackupStore(directory: backups).list().map(\.id) == [third.id])
                #expect(
                    try filesIn(backups) == [
                        third.archiveFileName, third.archiveFileName + ".json",
                    ])
            }
        }
    }
}

import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

@Suite("Choosing the member to snapshot")
struct SourceSelectionTests {
    static func status(
        member: UInt64, leader: UInt64, raftIndex: UInt64, learner: Bool = false,
        errors: [String] = []
    )
        -> SnapshotSource
    {
        SnapshotSource(
            candidate: BackupSourceCandidate(
                endpoint: "http://127.0.0.1:\(member)", name: "m\(member)"),
            status: EtcdStatus(
                memberID: member, clusterID: 1, version: "3.4.23", dbSize: 1, dbSizeInUse: 1,
                leader: leader,
                raftIndex: raftIndex, raftTerm: 2, raftAppliedIndex: raftIndex, revision: 10,
                isLearner: learner,
                errors: errors))
    }

    @Test("the most up-to-date follower is preferred; the leader only when no follower answered")
    func ranking() {
        let leader = Self.status(member: 1, leader: 1, raftIndex: 100)
        let behind = Self.status(member: 2, leader: 1, raftIndex: 90)
        let current = Self.status(member: 3, leader: 1, raftIndex: 99)
        #expect(BackupSourceSelection.choose(from: [leader, behind, current]) == current)
        #expect(BackupSourceSelection.choose(from: [leader, behind]) == behind)
        #expect(BackupSourceSelection.choose(from: [leader]) == leader)
        #expect(BackupSourceSelection.choose(from: []) == nil)
        let learner = Self.status(member: 4, leader: 1, raftIndex: 100, learner: true)
        #expect(BackupSourceSelection.choose(from: [learner, leader]) == leader)
        let alarmed = Self.status(member: 5, leader: 1, raftIndex: 200, errors: ["NOSPACE"])
        #expect(BackupSourceCandidate(endpoint: "x").description == "x")
        #expect(BackupSourceSelection.choose(from: [alarmed, leader]) == leader)
        #expect(BackupSourceSelection.choose(from: [alarmed]) == alarmed)
    }

    @Test(
        "in a real three-member cluster the snapshot comes from a follower, unless only the leader is offered"
    )
    func followerInRealCluster() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 3) { cluster in
                let statuses = try await withThrowingTaskGroup(of: (String, EtcdStatus).self) {
                    group in
                    for member in cluster.members {
                        group.addTask {
                            (
                                member.clientURL,
                                try await EtcdClient.withClient(endpoint: member.clientURL) {
                                    try await $0.status()
                                }
                            )
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                let leaderURL = try #require(statuses.first { $0.value.isLeader }?.key)
                let service = try makeService(directory: backups, cluster: cluster)
                let manifest = try await service.takeBackup()
                #expect(manifest.sourceMember.endpoint != leaderURL)
                #expect(!manifest.sourceMember.wasLeader)

                let backup = EtcdSnapshotBackup(
                    archiver: SnapshotArchiver(directory: backups, toolVersion: "tests"),
                    logger: .init(label: "t"))
                let onlyLeader = try await backup.take(
                    of: BackupTarget(
                        clusterName: "test-cluster", clusterEpoch: 3,
                        members: [
                            BackupSourceCandidate(endpoint: leaderURL),
                            BackupSourceCandidate(endpoint: "127.0.0.1:1"),
                        ]))
                #expect(onlyLeader.sourceMember.endpoint == leaderURL)
                #expect(onlyLeader.sourceMember.wasLeader)
            }
        }
    }
}

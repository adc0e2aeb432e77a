import Foundation
import MesosAPI
import TaskContract
import Testing

@testable import EtcdScheduler
@testable import Reconciler

@Suite("MemberTaskBuilder: the TaskInfo that runs one member under our executor")
struct MemberTaskBuilderTests {
    private func builder() -> MemberTaskBuilder {
        let urls = ServedURLs(address: "10.0.0.9")
        urls.set(adminPort: 23400, artifactPort: 23401)
        return MemberTaskBuilder(
            frameworkName: "etcd-prod", urls: urls, executorFileName: "etcd-mesos-executor",
            etcdFileName: "etcd", toolFileNames: ["etcdctl"])
    }

    private func launch(restore: String? = nil, state: InitialClusterState = .existing)
        -> MemberLaunch
    {
        let member = MemberIdentity(
            index: 7, host: "127.0.0.3", peerPort: 31000, clientPort: 31001, reseedPort: 31002)
        return MemberLaunch(
            offerID: OfferID("o-1"), agentID: AgentID("a-3"), member: member,
            resources: TaskResources(cpus: 1, memoryMB: 512, diskMB: 1024),
            executorResources: TaskResources(cpus: 0.1, memoryMB: 32, diskMB: 0),
            initialCluster: [
                InitialClusterEntry(name: member.name, peerURL: member.peerURL),
                InitialClusterEntry(name: "etcd-5", peerURL: "http://127.0.0.2:31010"),
            ],
            initialClusterState: state, clusterEpoch: 4, restoreFromBackup: restore)
    }

    @Test func theAgentFetchesEveryBinaryFromTheArtifactServer() throws {
        let task = try builder().taskInfo(for: launch(), restoreSHA256: nil)
        let uris = task.executor?.command?.uris.map(\.value) ?? []
        #expect(
            uris == [
                "http://10.0.0.9:23401/etcd-mesos-executor", "http://10.0.0.9:23401/etcd",
                "http://10.0.0.9:23401/etcdctl",
            ])
        #expect(
            task.executor?.command?.uris.allSatisfy { $0.executable == true && $0.extract == false }
                == true)
        #expect(task.executor?.executorID == ExecutorID("etcd-7"))
        #expect(task.agentID == MesosAPI.AgentID("a-3"))
    }

    @Test func theTaskAsksForItsResourcesAndItsThreePorts() throws {
        let task = try builder().taskInfo(for: launch(), restoreSHA256: nil)
        let scalars = Dictionary(
            uniqueKeysWithValues: task.resources.compactMap { r in
                r.scalarValue.map { (r.name, $0) }
            })
        #expect(scalars == ["cpus": 1, "mem": 512, "disk": 1024])
        let ports = task.resources.first { $0.name == "ports" }?.rangeValues ?? []
        #expect(ports == [31000...31002])
    }

    @Test func theTaskDataNamesPeersTokenAndNoRestore() throws {
        let task = try builder().taskInfo(for: launch(), restoreSHA256: nil)
        let data = try EtcdTaskData(decoding: try #require(task.data))
        #expect(data.clusterToken == "etcd-prod-epoch-4")
        #expect(data.peers.map(\.name) == ["etcd-5"])
        #expect(data.restore == nil)
    }

    @Test func aRestoreLaunchPointsAtTheBackupOnTheAdminAPIWithItsHash() throws {
        let task = try builder().taskInfo(
            for: launch(restore: "etcd-prod-x-r9", state: .new), restoreSHA256: "ab12")
        let data = try EtcdTaskData(decoding: try #require(task.data))
        #expect(data.restore?.url == "http://10.0.0.9:23400/backups/etcd-prod-x-r9")
        #expect(data.restore?.archiveSHA256 == "ab12")
    }
}

import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import MesosMasterDetection
import Testing

/// Local masters given ZooKeeper contend as real ones do: each registers an ephemeral sequential `json.info_`
/// node, the lowest leads, the others redirect to it, and when the leader stops the next one leads.
@Suite("Local Mesos: masters elected through ZooKeeper", .serialized)
struct ZooKeeperMasterElectionTests {
    @Test func theLowestNodeLeadsAndTheNextTakesOver() async throws {
        try await withZooKeeperServer { server in
            let address = try ZooKeeperMasterAddress(parsing: "zk://\(server.connectString)/mesos")
            try await MultiMasterHarness.withMasters(3, zooKeeper: address) { harness in
                let masters = harness.cluster.masters
                try await eventually(timeout: .seconds(10), "every master to see the one leader") {
                    masters.filter(\.isLeading).count == 1
                        && masters.allSatisfy { $0.leadership.leader != nil }
                }
                let leader = try #require(harness.cluster.leader)
                let detector = MasterDetector(address: address, logger: Logger(label: "test"))
                #expect(
                    try await detector.currentLeader(timeout: .seconds(10)).id == leader.info.id)
                for standby in masters where standby.port != leader.port {
                    let answer = try await harness.request(
                        standby.url + "/api/v1/scheduler", method: .GET)
                    #expect(answer.status == 307)
                    #expect(answer.location == harness.base(leader) + "/master/api/v1/scheduler")
                }

                await leader.stop()
                try await eventually(timeout: .seconds(10), "another master to lead") {
                    masters.contains { $0.isLeading && $0.port != leader.port }
                }
                let next = try #require(harness.cluster.leader)
                try await eventually(timeout: .seconds(10), "the detector to find the new leader") {
                    try await detector.currentLeader(timeout: .seconds(5)).id == next.info.id
                }
                #expect(await next.master.snapshot.masterInfo.id == next.info.id)
            }
        }
    }
}

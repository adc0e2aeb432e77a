import Foundation
import TaskContract
import Testing

@Suite("Task data between scheduler and executor")
struct EtcdTaskDataTests {
    let seed = EtcdTaskData.Member(
        name: "etcd-1443221234", host: "127.0.0.2", rpcPort: 31000, clientPort: 31001,
        httpPort: 31002)
    let peer = EtcdTaskData.Member(
        name: "etcd-1443221235", host: "127.0.0.3", rpcPort: 31010, clientPort: 31011,
        httpPort: 31012,
        slaveID: "agent-3")

    @Test("it round-trips, and --initial-cluster lists this member first")
    func roundTrip() throws {
        let data = EtcdTaskData(
            member: seed, peers: [peer], initialClusterState: "existing", clusterToken: "etcd-3",
            restore: .init(url: "http://127.0.0.1:12300/backups/x.tar.zst", archiveSHA256: "ab"))
        let decoded = try EtcdTaskData(decoding: try data.encoded())
        #expect(decoded.member.name == seed.name)
        #expect(decoded.peers == [peer])
        #expect(decoded.initialClusterState == "existing")
        #expect(decoded.clusterToken == "etcd-3")
        #expect(decoded.restore == data.restore)
        #expect(
            decoded.initialClusterFlag
                == "etcd-1443221234=http://127.0.0.2:31000,etcd-1443221235=http://127.0.0.3:31010")
    }

    @Test("the original's array of member objects is read as it was written")
    func readsTheOriginalShape() throws {
        let original = """
            [{"name":"etcd-7","host":"a1","rpcPort":31000,"clientPort":31001,"httpPort":31002,"type":"new",\
            "slaveID":"s1"}]
            """
        let decoded = try EtcdTaskData(decoding: Data(original.utf8))
        #expect(decoded.member.peerURL == "http://a1:31000")
        #expect(decoded.member.reseedURL == "http://a1:31002")
        #expect(decoded.peers.isEmpty)
        #expect(decoded.initialClusterState == "new")
        #expect(decoded.clusterToken == "etcd-cluster")
        let array =
            try JSONSerialization.jsonObject(with: try decoded.encoded()) as? [[String: Any]]
        #expect(array?.first?["type"] as? String == "new")
        #expect(array?.first?["rpcPort"] as? Int == 31000)
    }

    @Test(
        "bad data is refused with a message naming the problem",
        arguments: [
            ("", "not an etcd member list"),
            ("[]", "empty"),
            (#"{"name":"x"}"#, "not an etcd member list"),
            (
                #"[{"name":"e","host":"h","rpcPort":1,"clientPort":2,"httpPort":3,"type":"","slaveID":""}]"#,
                "type"
            ),
            (
                #"[{"name":"e","host":"h","rpcPort":0,"clientPort":2,"httpPort":3,"type":"new","slaveID":""}]"#,
                "ports"
            ),
        ])
    func refusesBadData(json: String, mentions: String) {
        #expect {
            _ = try EtcdTaskData(decoding: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(mentions)
        }
    }
}

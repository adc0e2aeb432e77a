import AsyncHTTPClient
import EtcdClient
import EtcdMesosTesting
import Foundation
import MesosAPI
import TaskContract
import Testing

/// Several members under real executors: joining a cluster, and reseeding a survivor.
@Suite struct ClusterMembershipTests {
    @Test func secondMemberJoinsAsExistingAfterMemberAdd() async throws {
        try await ExecutorTestCluster.withCluster(agents: 2) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offers = try await framework.offers(fromAgents: 2)
                let hosts = cluster.agentHosts
                let (offer1, offer2) = (
                    try #require(offers[hosts[0]]), try #require(offers[hosts[1]])
                )
                let token = "t-\(memberName("join"))"
                let first = cluster.member(memberName("first"), on: hosts[0])
                let second = cluster.member(memberName("second"), on: hosts[1])
                let firstTask = try cluster.task(
                    EtcdTaskData(
                        member: first, peers: [], initialClusterState: "new", clusterToken: token),
                    on: offer1)
                try await framework.launch([firstTask], on: offer1)
                try await framework.update(of: firstTask.taskID, .running)

                try await EtcdClient.withClient(endpoint: first.clientURL) { client in
                    try await eventually(timeout: .seconds(30), "a write before the join") {
                        try await client.put("before-join", value: "1") > 0
                    }
                    // From here the cluster has two voters and no quorum until the second member runs.
                    _ = try await client.memberAdd(peerURLs: [second.peerURL])
                }
                let secondTask = try cluster.task(
                    EtcdTaskData(
                        member: second, peers: [first], initialClusterState: "existing",
                        clusterToken: token),
                    on: offer2)
                try await framework.launch([secondTask], on: offer2)
                try await framework.update(of: secondTask.taskID, .running)

                try await EtcdClient.withClient(endpoint: second.clientURL) { client in
                    try await eventually(
                        timeout: .seconds(15), "both members started and the key replicated"
                    ) {
                        let members = try await client.memberList()
                        let read = try await client.range("before-join")
                        return Set(members.map(\.name)) == [first.name, second.name]
                            && read.kvs.map(\.valueString) == ["1"]
                    }
                }
            }
        }
    }

    @Test func reseedTurnsTheSurvivorIntoAOneMemberClusterWithTheKeys() async throws {
        try await ExecutorTestCluster.withCluster(agents: 3) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offers = try await framework.offers(fromAgents: 3)
                let hosts = cluster.agentHosts
                let token = "t-\(memberName("reseed"))"
                let members = hosts.map { cluster.member(memberName("r"), on: $0) }
                var tasks: [TaskInfo] = []
                for member in members {
                    let offer = try #require(offers[member.host])
                    let data = EtcdTaskData(
                        member: member, peers: members.filter { $0.name != member.name },
                        initialClusterState: "new",
                        clusterToken: token, reseedSecret: "secret-of-\(member.name)")
                    let task = try cluster.task(data, on: offer)
                    tasks.append(task)
                    try await framework.launch([task], on: offer)
                }
                for task in tasks { try await framework.update(of: task.taskID, .running) }
                let survivor = members[0]
                try await EtcdClient.withClient(endpoint: survivor.clientURL) { client in
                    try await eventually(
                        timeout: .seconds(15), "writes to the three-member cluster"
                    ) {
                        try await client.put("kept-1", value: "a") > 0
                    }
                    try await client.put("kept-2", value: "b")
                }

                let reseedURL = survivor.reseedURL + ReseedProtocol.path
                let get = try await plainRequest(reseedURL, method: "GET")
                #expect(get.status == 405)
                #expect(get.body.contains("\"error\""), "\(get.body)")

                for (index, task) in tasks.enumerated().dropFirst() {
                    try await framework.kill(
                        task.taskID, on: try #require(offers[members[index].host]).agentID)
                    try await framework.update(of: task.taskID, .killed)
                }

                // The survivor loses its leader once the others are gone; only then is a reseed admitted.
                try await EtcdClient.withClient(endpoint: survivor.clientURL) { client in
                    try await eventually(timeout: .seconds(30), "the survivor to lose its leader") {
                        (try? await client.status().leader) == 0
                    }
                }
                // Two requests at once: one reseeds, the other is refused while it runs.
                let secret = ReseedProtocol.authorization("secret-of-\(survivor.name)")
                async let first = plainRequest(reseedURL, method: "POST", authorization: secret)
                async let second = plainRequest(reseedURL, method: "POST", authorization: secret)
                let answers = try await [first, second].sorted { $0.status < $1.status }
                #expect(answers.map(\.status) == [200, 409], "\(answers)")
                #expect(answers[0].body == #"{"status":"reseeded"}"#)

                try await EtcdClient.withClient(endpoint: survivor.clientURL) { client in
                    let memberList = try await client.memberList()
                    #expect(memberList.map(\.name) == [survivor.name])
                    #expect(try await client.status().isLeader)
                    #expect(
                        try await client.range(prefix: "kept-").kvs.map(\.valueString) == [
                            "a", "b",
                        ])
                    try await client.put("after-reseed", value: "c")
                }
                #expect(
                    await framework.updates(of: tasks[0].taskID).map(\.state) == [
                        .starting, .running,
                    ])
            }
        }
    }
}

/// An HTTP answer: status and body text.
struct PlainAnswer: Sendable {
    var status: Int
    var body: String
}

/// One request with AsyncHTTPClient (`method` is GET or POST), with an `Authorization` header when given; the
/// whole body is read.
func plainRequest(_ url: String, method: String, authorization: String? = nil) async throws
    -> PlainAnswer
{
    var request = HTTPClientRequest(url: url)
    request.method = method == "GET" ? .GET : .POST
    if let authorization { request.headers.add(name: "Authorization", value: authorization) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 1 << 20)
    return PlainAnswer(status: Int(response.status.code), body: String(buffer: body))
}

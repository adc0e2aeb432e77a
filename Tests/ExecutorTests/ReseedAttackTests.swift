import EtcdClient
import EtcdMesosTesting
import Foundation
import MesosAPI
import TaskContract
import Testing

/// An attacker on the network POSTs to a real executor's reseed listener, whose member belongs to a healthy
/// two-member cluster: without the task's secret, with a wrong one, or to a task that has none, the request is
/// refused with 401; with the right secret it is refused with 409 while the member sees a leader. etcd keeps
/// running throughout: same processes, same members, writes still go through.
@Suite struct ReseedAttackTests {
    @Test func reseedPostsWithoutTheSecretOrWhileALeaderIsSeenAreRefusedAndEtcdKeepsRunning()
        async throws
    {
        try await ExecutorTestCluster.withCluster(agents: 2) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offers = try await framework.offers(fromAgents: 2)
                let hosts = cluster.agentHosts
                let token = "t-\(memberName("attack"))"
                let guarded = cluster.member(memberName("guarded"), on: hosts[0])
                let open = cluster.member(memberName("nosecret"), on: hosts[1])
                let secret = "the-secret-of-\(guarded.name)"
                var tasks: [TaskInfo] = []
                for (member, reseedSecret) in [(guarded, secret), (open, nil)]
                    as [(EtcdTaskData.Member, String?)]
                {
                    let offer = try #require(offers[member.host])
                    let data = EtcdTaskData(
                        member: member, peers: [guarded, open].filter { $0.name != member.name },
                        initialClusterState: "new", clusterToken: token, reseedSecret: reseedSecret)
                    let task = try cluster.task(data, on: offer)
                    tasks.append(task)
                    try await framework.launch([task], on: offer)
                }
                for task in tasks { try await framework.update(of: task.taskID, .running) }
                try await EtcdClient.withClient(endpoint: guarded.clientURL) { client in
                    try await eventually(timeout: .seconds(30), "a leader and a write") {
                        try await client.put("before", value: "1") > 0
                    }
                }
                let pids =
                    ProcessProbe.etcdPIDs(member: guarded.name)
                    + ProcessProbe.etcdPIDs(member: open.name)
                try #require(pids.count == 2, "\(pids)")

                let url = guarded.reseedURL + ReseedProtocol.path
                let missing = try await plainRequest(url, method: "POST")
                #expect(missing.status == 401, "\(missing)")
                #expect(missing.body.contains("needs the task's secret"), "\(missing)")
                let wrong = try await plainRequest(
                    url, method: "POST", authorization: ReseedProtocol.authorization("guess"))
                #expect(wrong.status == 401, "\(wrong)")
                #expect(wrong.body.contains("the reseed secret is wrong"), "\(wrong)")
                let noSecret = try await plainRequest(
                    open.reseedURL + ReseedProtocol.path, method: "POST",
                    authorization: ReseedProtocol.authorization(secret))
                #expect(noSecret.status == 401, "\(noSecret)")
                #expect(noSecret.body.contains("carries no reseed secret"), "\(noSecret)")
                let leaderSeen = try await plainRequest(
                    url, method: "POST", authorization: ReseedProtocol.authorization(secret))
                #expect(leaderSeen.status == 409, "\(leaderSeen)")
                #expect(
                    leaderSeen.body.contains("member \(guarded.name) sees leader"), "\(leaderSeen)")

                // Nothing happened to etcd: the same processes, both members, writes go through.
                #expect(
                    ProcessProbe.etcdPIDs(member: guarded.name)
                        + ProcessProbe.etcdPIDs(member: open.name) == pids)
                let (names, revision) = try await EtcdClient.withClient(endpoint: guarded.clientURL)
                {
                    client in
                    (
                        Set(try await client.memberList().map(\.name)),
                        try await client.put("after", value: "2")
                    )
                }
                #expect(names == [guarded.name, open.name])
                #expect(revision > 0)
                for task in tasks {
                    #expect(
                        await framework.updates(of: task.taskID).map(\.state) == [
                            .starting, .running,
                        ])
                }
            }
        }
    }
}

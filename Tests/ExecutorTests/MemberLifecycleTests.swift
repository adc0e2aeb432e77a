import EtcdClient
import EtcdMesosTesting
import Foundation
import MesosAPI
import TaskContract
import Testing

/// One etcd member under the real executor binary, launched through a local Mesos over HTTP.
@Suite struct MemberLifecycleTests {
    private func soloData(_ cluster: ExecutorTestCluster, _ name: String, on host: String)
        -> EtcdTaskData
    {
        EtcdTaskData(
            member: cluster.member(name, on: host), peers: [], initialClusterState: "new",
            clusterToken: "t-\(name)")
    }

    @Test func oneMemberIsRunningOnceEtcdAnswersAndServesKeys() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("solo")
                let data = soloData(cluster, name, on: offer.hostname)
                let task = try cluster.task(data, on: offer)
                try await framework.launch([task], on: offer)

                let running = try await framework.update(of: task.taskID, .running)
                // RUNNING is reported only once etcd answers, so it answers now without waiting.
                let status = try await EtcdClient.withClient(endpoint: data.member.clientURL) {
                    try await $0.status()
                }
                #expect(status.version.hasPrefix("3."))
                #expect(
                    await framework.updates(of: task.taskID).map(\.state) == [.starting, .running])
                #expect(running.source == .executor)
                #expect(running.message?.contains(data.member.clientURL) == true)

                try await EtcdClient.withClient(endpoint: data.member.clientURL) { client in
                    try await eventually(timeout: .seconds(30), "a write to the new member") {
                        try await client.put("greeting", value: "hello") > 0
                    }
                    #expect(try await client.range("greeting").kvs.map(\.valueString) == ["hello"])
                }
            }
        }
    }

    @Test func killStopsEtcdAndReportsKilled() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("killed")
                let task = try cluster.task(soloData(cluster, name, on: offer.hostname), on: offer)
                try await framework.launch([task], on: offer)
                try await framework.update(of: task.taskID, .running)
                let pids = ProcessProbe.etcdPIDs(member: name)
                try #require(pids.count == 1, "one etcd for \(name), found \(pids)")

                try await framework.kill(task.taskID, on: offer.agentID)
                let killed = try await framework.update(
                    of: task.taskID, .killed, timeout: .seconds(20))
                #expect(killed.source == .executor)
                // The executor reports KILLED only after etcd has exited.
                #expect(!ProcessProbe.isAlive(pids[0]))
                #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
                try await eventually(timeout: .seconds(15), "the executor to exit") {
                    await cluster.cluster.agents[0].runningExecutors.isEmpty
                }
            }
        }
    }

    @Test func sigtermStopsEtcdBeforeTheExecutorExits() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("sigterm")
                let task = try cluster.task(soloData(cluster, name, on: offer.hostname), on: offer)
                try await framework.launch([task], on: offer)
                try await framework.update(of: task.taskID, .running)
                let etcd = ProcessProbe.etcdPIDs(member: name)
                try #require(etcd.count == 1, "one etcd for \(name), found \(etcd)")
                let executors = await cluster.cluster.agents[0].runningExecutors
                let executor = try #require(executors.first?.pid)

                #expect(kill(executor, SIGTERM) == 0)
                let killed = try await framework.update(
                    of: task.taskID, .killed, timeout: .seconds(20))
                #expect(killed.message?.contains("SIGTERM") == true, "\(killed)")
                // TASK_KILLED goes out only once etcd has exited.
                #expect(!ProcessProbe.isAlive(etcd[0]))
                try await eventually(timeout: .seconds(15), "the executor to exit") {
                    await cluster.cluster.agents[0].runningExecutors.isEmpty
                }
            }
        }
    }

    @Test func frameworkTeardownShutsTheExecutorDownWithEtcd() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            let name = memberName("teardown")
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let task = try cluster.task(soloData(cluster, name, on: offer.hostname), on: offer)
                try await framework.launch([task], on: offer)
                try await framework.update(of: task.taskID, .running)
                try #require(ProcessProbe.etcdPIDs(member: name).count == 1)
                try await framework.call(.teardown)
            }
            try await eventually(timeout: .seconds(15), "etcd and the executor to be gone") {
                let executors = await cluster.cluster.agents[0].runningExecutors
                return executors.isEmpty && ProcessProbe.etcdPIDs(member: name).isEmpty
            }
            let log = cluster.diagnostics(name)
            #expect(log.contains("the agent shut the executor down"), "\(log)")
        }
    }

    @Test func etcdThatCannotStartFailsWithItsLog() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("blocked")
                let task = try cluster.task(
                    soloData(cluster, name, on: offer.hostname), on: offer, launchTimeout: "2s")
                let failed = try await withPortHeld(host: offer.hostname, port: cluster.peerPort) {
                    try await framework.launch([task], on: offer)
                    return try await framework.update(
                        of: task.taskID, .failed, timeout: .seconds(30))
                }
                let message = failed.message ?? ""
                #expect(message.contains("launch timeout of 2s"), "\(message)")
                #expect(message.contains("address already in use"), "\(message)")
                #expect(message.contains("etcd.log"), "\(message)")
                #expect(
                    await framework.updates(of: task.taskID).map(\.state) == [.starting, .failed])
                #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
            }
        }
    }

    @Test func aTakenReseedPortFailsTheTaskBeforeEtcdStarts() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("no-reseed")
                let task = try cluster.task(soloData(cluster, name, on: offer.hostname), on: offer)
                let failed = try await withPortHeld(host: offer.hostname, port: cluster.reseedPort)
                {
                    try await framework.launch([task], on: offer)
                    return try await framework.update(of: task.taskID, .failed)
                }
                #expect(
                    failed.message?.contains(
                        "reseed listener cannot listen on \(offer.hostname):\(cluster.reseedPort)")
                        == true, "\(failed)")
                #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
            }
        }
    }

    @Test func taskDataTheExecutorCannotUseFailsTheTask() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL) { framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                var broken = try cluster.task(
                    soloData(cluster, memberName("broken"), on: offer.hostname), on: offer,
                    rawData: Data("not json".utf8))
                var restore = soloData(cluster, memberName("restore"), on: offer.hostname)
                restore.restore = .init(url: "http://127.0.0.1:1/backups/b1", archiveSHA256: "00")
                var restoring = try cluster.task(restore, on: offer)
                // Neither task gets to bind anything, so both fit in one offer without ports.
                broken.resources = [.scalar("cpus", 0.2), .scalar("mem", 64)]
                restoring.resources = broken.resources
                try await framework.launch([broken, restoring], on: offer)

                let brokenFailed = try await framework.update(of: broken.taskID, .failed)
                #expect(
                    brokenFailed.message?.contains("not an etcd member list") == true,
                    "\(brokenFailed)")
                let restoreFailed = try await framework.update(of: restoring.taskID, .failed)
                #expect(
                    restoreFailed.message?.contains(
                        "the backup's archiveSHA256 \"00\" is not 64 hex digits") == true,
                    "\(restoreFailed)")
                #expect(
                    await framework.updates(of: broken.taskID).map(\.state) == [.starting, .failed])
                try await eventually(timeout: .seconds(15), "both executors to exit") {
                    await cluster.cluster.agents[0].runningExecutors.isEmpty
                }
            }
        }
    }

    @Test func executorResubscribesAfterAnAgentRestartAndKeepsEtcd() async throws {
        try await ExecutorTestCluster.withCluster(agents: 1) { cluster in
            try await TestFramework.withSubscribed(to: cluster.masterURL, checkpoint: true) {
                framework in
                let offer = try #require(try await framework.offers(fromAgents: 1).values.first)
                let name = memberName("survivor")
                let data = soloData(cluster, name, on: offer.hostname)
                let task = try cluster.task(data, on: offer)
                try await framework.launch([task], on: offer)
                try await framework.update(of: task.taskID, .running)
                let pids = ProcessProbe.etcdPIDs(member: name)

                try await cluster.cluster.agents[0].restart()
                #expect(
                    ProcessProbe.etcdPIDs(member: name) == pids,
                    "etcd keeps running while the agent restarts")
                // The KILL reaches the executor only through its new subscription.
                try await framework.kill(task.taskID, on: offer.agentID)
                try await framework.update(of: task.taskID, .killed, timeout: .seconds(20))
                #expect(pids.count == 1)
                #expect(
                    await framework.updates(of: task.taskID).map(\.state) == [
                        .starting, .running, .killed,
                    ])
                #expect(ProcessProbe.etcdPIDs(member: name).isEmpty)
            }
        }
    }
}

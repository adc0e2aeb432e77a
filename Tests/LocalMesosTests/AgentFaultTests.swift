import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import MesosMasterDetection
import Testing

@Suite struct AgentFaultTests {
    @Test func checkpointingExecutorSurvivesAnAgentRestart() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test(checkpoint: true)) {
                scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                let agent = harness.cluster.agents[0]
                let pids = await agent.runningExecutors.compactMap(\.pid)

                try await agent.restart()
                // The executor re-subscribes; a KILL sent afterwards reaches it.
                #expect(await agent.runningExecutors.compactMap(\.pid) == pids)
                try await eventually("the KILL to be answered") {
                    _ = try await scheduler.call(.kill(.init(taskID: "t1")))
                    return await scheduler.received.contains { event in
                        if case .update(let update) = event {
                            return update.status.state == .killed
                        }
                        return false
                    }
                }
                let events = await scheduler.received
                #expect(
                    !events.contains { event in
                        if case .update(let update) = event { return update.status.state == .lost }
                        return false
                    })
            }
        }
    }

    @Test func nonCheckpointingTasksAreLostWhenTheAgentDisconnects() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test(checkpoint: false)) {
                scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                let agent = harness.cluster.agents[0]
                let pids = await agent.runningExecutors.compactMap(\.pid)
                try await agent.restart()
                let lost = try await scheduler.nextUpdate("TASK_LOST") { $0.taskID == "t1" }
                #expect(lost.state == .lost)
                #expect(lost.reason == .agentDisconnected)
                #expect(lost.message == "Agent 127.0.0.2 disconnected")
                for pid in pids { #expect(!processExists(pid)) }
            }
        }
    }

    @Test func agentThatNeverComesBackIsUnreachableForPartitionAwareFrameworks() async throws {
        let master = MasterConfiguration(agentReregisterTimeoutSeconds: 0.5)
        try await ClusterHarness.withCluster(master: master) { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test(partitionAware: true)) {
                scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                await harness.cluster.agents[0].kill(waitForTimeout: true)
                let unreachable = try await scheduler.nextUpdate("TASK_UNREACHABLE") {
                    $0.taskID == "t1"
                }
                #expect(unreachable.state == .unreachable)
                #expect(unreachable.reason == .agentRemoved)
                #expect(unreachable.message == "health check timed out")
                #expect(unreachable.unreachableTime != nil)
            }
        }
    }

    @Test func pausedAgentIsNotOffered() async throws {
        try await ClusterHarness.withCluster(agents: 2) { harness in
            await harness.cluster.agents[0].setOfferingPaused(true)
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offers = try await scheduler.nextOffers()
                #expect(offers.map(\.hostname) == ["127.0.0.3"])
            }
        }
    }

    @Test func masterRegistersInZooKeeperForDetection() async throws {
        try await withZooKeeperServer { zooKeeper in
            let address = try ZooKeeperMasterAddress(
                parsing: "zk://\(zooKeeper.connectString)/mesos")
            let port = try FreePort.allocate()
            try await EmbeddedMaster.withRunning(port: port, zooKeeper: address) { embedded in
                let leader = try await MasterDetector(address: address).currentLeader(
                    timeout: .seconds(10))
                #expect(leader.id == embedded.master.masterInfo.id)
                #expect(leader.endpoint().description.contains("127.0.0.1:\(port)"))
            }
        }
    }
}

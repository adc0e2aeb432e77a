import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct OperatorAPITests {
    private func operatorCall(_ url: String, _ body: String) async throws -> (Int, [String: Any]) {
        let answer = try await httpRequest(
            url + "/api/v1",
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
            body: Data(body.utf8))
        let object =
            (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            ?? [:]
        return (answer.status, object)
    }

    @Test func getStateShowsFrameworksAgentsAndTasks() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)

                let (status, health) = try await operatorCall(
                    harness.url, #"{"type":"GET_HEALTH"}"#)
                #expect(status == 200)
                #expect((health["get_health"] as? [String: Any])?["healthy"] as? Bool == true)

                let (_, answer) = try await operatorCall(harness.url, #"{"type":"GET_STATE"}"#)
                #expect(answer["type"] as? String == "GET_STATE")
                let state = try #require(answer["get_state"] as? [String: Any])
                let tasks = try #require(
                    (state["get_tasks"] as? [String: Any])?["tasks"] as? [[String: Any]])
                #expect(tasks.count == 1)
                #expect(tasks.first?["state"] as? String == "TASK_RUNNING")
                #expect((tasks.first?["task_id"] as? [String: Any])?["value"] as? String == "t1")
                let frameworks = try #require(
                    (state["get_frameworks"] as? [String: Any])?["frameworks"] as? [[String: Any]])
                #expect(
                    ((frameworks.first?["framework_info"] as? [String: Any])?["id"]
                        as? [String: Any])?["value"] as? String == scheduler.frameworkID.value)
                let agents = try #require(
                    (state["get_agents"] as? [String: Any])?["agents"] as? [[String: Any]])
                #expect(
                    (agents.first?["agent_info"] as? [String: Any])?["hostname"] as? String
                        == "127.0.0.2")
                let executors = try #require(
                    (state["get_executors"] as? [String: Any])?["executors"] as? [[String: Any]])
                #expect(executors.count == 1)
            }
        }
    }

    @Test func markAgentGoneIsTaskGoneByOperatorForPartitionAwareFrameworks() async throws {
        try await ClusterHarness.withCluster { harness in
            try await TestScheduler.withSubscribed(to: harness.url, .test(partitionAware: true)) {
                scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                try await scheduler.launch([harness.executorTask("t1", on: offer)], on: offer)
                try await scheduler.expectUpdate("t1", .running)
                let (status, _) = try await operatorCall(
                    harness.url,
                    #"{"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":"\#(offer.agentID)"}}}"#
                )
                #expect(status == 200)
                let gone = try await scheduler.nextUpdate("TASK_GONE_BY_OPERATOR") {
                    $0.taskID == "t1"
                }
                #expect(gone.state == .goneByOperator)
                #expect(gone.reason == .agentRemovedByOperator)
            }
        }
    }
}

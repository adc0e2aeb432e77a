import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import MesosProto
import Testing

/// Real Mesos converts a call's JSON with stout's `protobuf::parse`, which looks fields up by their `.proto`
/// name and skips every other key: a misspelt field does nothing on a real cluster. Local Mesos checks each
/// call against messages generated from Mesos' own `.proto` files and refuses such a field, naming it.
@Suite("Strict parsing: calls checked against Mesos' own .proto messages")
struct StrictCallParsingTests {
    private static let json = ("Content-Type", "application/json")

    @Test("a scheduler call with a misspelt field gets 400 naming the field")
    func misspeltSchedulerField() async throws {
        try await withMaster(agents: 0) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                let url = embedded.url + "/api/v1/scheduler"
                let headers = [Self.json, ("Mesos-Stream-Id", scheduler.streamID)]
                let framework = #""framework_id":{"value":"\#(scheduler.frameworkID)"}"#
                let misspelt = try await httpRequest(
                    url, headers: headers,
                    body: Data(
                        #"{"type":"DECLINE",\#(framework),"decline":{"offer_idz":[{"value":"o"}]}}"#
                            .utf8))
                #expect(misspelt.status == 400)
                #expect(
                    misspelt.body
                        == "Failed to convert JSON into Call protobuf: unknown field 'decline.offer_idz' in mesos.v1.scheduler.Call (real Mesos would ignore it silently)"
                )

                // The JSON (camel-case) name is not the .proto name; Mesos would skip it too.
                let camel = try await httpRequest(
                    url, headers: headers,
                    body: Data(
                        #"{"type":"DECLINE",\#(framework),"decline":{"offerIds":[{"value":"o"}]}}"#
                            .utf8))
                #expect(camel.status == 400)
                #expect(camel.body.contains("'decline.offerIds' is not the .proto name"))

                let wrongType = try await httpRequest(
                    url, headers: headers,
                    body: Data(
                        #"{"type":"DECLINE",\#(framework),"decline":{"filters":{"refuse_seconds":"soon"}}}"#
                            .utf8))
                #expect(wrongType.status == 400)
                #expect(wrongType.body.contains("mesos.v1.scheduler.Call"))

                // A required field (FrameworkID.value) left out.
                let missing = try await httpRequest(
                    url, headers: headers,
                    body: Data(#"{"type":"REVIVE","framework_id":{}}"#.utf8))
                #expect(missing.status == 400)
                #expect(
                    missing.body
                        == "Failed to convert JSON into Call protobuf: missing required fields in mesos.v1.scheduler.Call"
                )

                // Nothing was applied: the framework is still subscribed and its calls still go through.
                #expect(try await scheduler.call(.revive(.init())).status == 202)
                #expect(
                    try await httpRequest(
                        url, headers: headers,
                        body: Data(
                            #"{"type":"DECLINE",\#(framework),"decline":{"offer_ids":[{"value":"o"}]}}"#
                                .utf8)
                    ).status == 202)
            }
        }
    }

    @Test("an executor call with a misspelt field gets 400 naming the field")
    func misspeltExecutorField() async throws {
        try await ClusterHarness.withCluster { harness in
            let agent = await harness.cluster.agents[0].configuration
            let url = "http://\(agent.endpoint)/api/v1/executor"
            let misspelt = try await httpRequest(
                url, headers: [Self.json],
                body: Data(
                    #"{"type":"HEARTBEAT","framework_id":{"value":"f"},"executor_id":{"value":"e"},"hearbeat":{}}"#
                        .utf8))
            #expect(misspelt.status == 400)
            #expect(
                misspelt.body
                    == "Failed to convert JSON into Call protobuf: unknown field 'hearbeat' in mesos.v1.executor.Call (real Mesos would ignore it silently)"
            )
            let nested = try await httpRequest(
                url, headers: [Self.json],
                body: Data(
                    #"{"type":"UPDATE","framework_id":{"value":"f"},"executor_id":{"value":"e"},"update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","uuid":"AAAAAAAAAAAAAAAAAAAAAA==","mesage":"typo"}}}"#
                        .utf8))
            #expect(nested.status == 400)
            #expect(nested.body.contains("unknown field 'update.status.mesage'"))
        }
    }

    @Test("every call the project's own types encode is a clean Mesos call")
    func projectCallsAreClean() throws {
        let framework = FrameworkID("f-0000")
        let offer = OfferID("o-1")
        var info = FrameworkInfo.test()
        info.id = framework
        let task = TaskInfo(
            name: "etcd-1", taskID: TaskID("etcd-1"), agentID: AgentID("a-S0"),
            resources: [
                .scalar("cpus", 0.5), .scalar("mem", 64),
                .ranges("ports", [31000...31002]),
            ],
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID("etcd-1.exec"),
                command: CommandInfo(
                    value: "./etcd-mesos-executor",
                    uris: [CommandInfo.URI(value: "http://127.0.0.1:1/etcd-mesos-executor")]),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)]),
            data: Data("payload".utf8))
        let calls: [SchedulerCall] = [
            .subscribe(info),
            SchedulerCall(
                frameworkID: framework,
                .accept(
                    .init(
                        offerIDs: [offer], operations: [.launch([task])],
                        filters: Filters(refuseSeconds: 5)))),
            SchedulerCall(
                frameworkID: framework,
                .decline(.init(offerIDs: [offer], filters: Filters(refuseSeconds: 1)))),
            SchedulerCall(frameworkID: framework, .revive(.init())),
            SchedulerCall(frameworkID: framework, .kill(.init(taskID: "etcd-1", agentID: "a-S0"))),
            SchedulerCall(
                frameworkID: framework,
                .acknowledge(
                    .init(agentID: "a-S0", taskID: "etcd-1", uuid: TaskStatus.uuidBytes()))),
            SchedulerCall(
                frameworkID: framework,
                .reconcile(.init(tasks: [.init(taskID: "etcd-1", agentID: "a-S0")]))),
            SchedulerCall(frameworkID: framework, .teardown),
        ]
        for call in calls {
            let body = try MesosJSON.encode(call)
            #expect(
                StrictCallCheck.problem(in: body, as: Mesos_V1_Scheduler_Call.self) == nil,
                "\(String(decoding: body, as: UTF8.self))")
        }
        let status = TaskStatus(
            taskID: "etcd-1", state: .running, source: .executor, uuid: TaskStatus.uuidBytes())
        let executorCalls: [ExecutorCall] = [
            ExecutorCall(
                frameworkID: framework, executorID: "etcd-1.exec", .update(.init(status: status))),
            ExecutorCall(frameworkID: framework, executorID: "etcd-1.exec", .heartbeat),
        ]
        for call in executorCalls {
            let body = try MesosJSON.encode(call)
            #expect(
                StrictCallCheck.problem(in: body, as: Mesos_V1_Executor_Call.self) == nil,
                "\(String(decoding: body, as: UTF8.self))")
        }
    }
}

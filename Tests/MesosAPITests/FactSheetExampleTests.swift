import Foundation
import MesosAPI
import Testing

/// Every example body of docs/mesos-v1-http.md §8 decodes to the values it shows and re-encodes to the same JSON.
@Suite("Fact sheet example bodies")
struct FactSheetExampleTests {
    /// Decodes `text`, checks that re-encoding gives the same JSON (empty arrays aside) and that decoding the
    /// re-encoded form gives the same value; returns the value.
    @discardableResult
    func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ text: String) throws -> T {
        let value = try decodeMesos(type, text)
        let original = try JSONValue(parsing: text).withoutEmptyArrays
        let reencoded = try encodedTree(value).withoutEmptyArrays
        #expect(reencoded == original, "re-encoded \(reencoded)\noriginal    \(original)")
        #expect(try MesosJSON.decode(type, from: MesosJSON.encode(value)) == value)
        return value
    }

    @Test func subscribeCall() throws {
        let call = try roundTrip(SchedulerCall.self, FactSheetExamples.subscribeCall)
        #expect(call.frameworkID == nil)
        guard case .subscribe(let subscribe) = call.payload else {
            Issue.record("expected SUBSCRIBE, got \(call.typeName)")
            return
        }
        let info = subscribe.frameworkInfo
        #expect(info.user == "etcd" && info.name == "etcd-mesos" && info.principal == "etcd-mesos")
        #expect(info.failoverTimeout == 604800 && info.checkpoint == true && info.roles == ["etcd"])
        #expect(info.hasCapability(.multiRole) && info.hasCapability(.taskKillingState))
        #expect(info.labels?["cluster"] == "etcd-a")
    }

    @Test func subscribeBuiltInCodeEncodesLikeTheExample() throws {
        let info = FrameworkInfo(
            user: "etcd", name: "etcd-mesos", failoverTimeout: 604800, checkpoint: true,
            principal: "etcd-mesos",
            capabilities: [.init(.multiRole), .init(.taskKillingState)],
            labels: Labels(["cluster": "etcd-a"]),
            roles: ["etcd"])
        let built = try encodedTree(SchedulerCall.subscribe(info)).withoutEmptyArrays
        #expect(built == (try JSONValue(parsing: FactSheetExamples.subscribeCall)))
    }

    @Test func resubscribeCarriesTheFrameworkIDTwice() throws {
        let info = FrameworkInfo(user: "etcd", name: "etcd-mesos", id: "fw-0000")
        let tree = try encodedTree(SchedulerCall.subscribe(info))
        #expect(tree["framework_id"] == .object(["value": .string("fw-0000")]))
        #expect(
            tree["subscribe"]?["framework_info"]?["id"] == .object(["value": .string("fw-0000")]))
    }

    @Test func offersEvent() throws {
        let event = try roundTrip(SchedulerEvent.self, FactSheetExamples.offersEvent)
        guard case .offers(let payload) = event, let offer = payload.offers.first else {
            Issue.record("expected one offer, got \(event)")
            return
        }
        #expect(offer.id == "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-O12")
        #expect(offer.agentID == "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0")
        #expect(offer.hostname == "127.0.0.1" && offer.allocationInfo?.role == "etcd")
        #expect(offer.resources.map(\.name) == ["cpus", "mem", "ports"])
        #expect(offer.resources[0].scalarValue == 4.0 && offer.resources[1].scalarValue == 7168.0)
        #expect(offer.resources[2].rangeValues == [31000...32000])
        #expect(offer.attributes == [.text("rack", "r1")])
    }

    @Test func acceptCallWithLaunch() throws {
        let call = try roundTrip(SchedulerCall.self, FactSheetExamples.acceptCall)
        guard case .accept(let accept) = call.payload,
            case .launch(let launch) = accept.operations.first,
            let task = launch.taskInfos.first, let executor = task.executor
        else {
            Issue.record("expected ACCEPT with one LAUNCH, got \(call)")
            return
        }
        #expect(accept.filters?.refuseSeconds == 10)
        #expect(task.name == "etcd-a-member-1" && task.taskID == "etcd-a.member-1.7")
        #expect(task.data == Data(#"{"clientPort":31000,"peerPort":31001}"#.utf8))
        #expect(task.killPolicy?.gracePeriod?.duration == .seconds(5))
        #expect(task.discovery?.ports?.ports.map(\.number) == [31000, 31001])
        #expect(task.discovery?.ports?.ports.first?.protocol == "tcp")
        #expect(
            executor.type == .custom && executor.shutdownGracePeriod?.nanoseconds == 10_000_000_000)
        #expect(executor.command?.runsInShell == false)
        #expect(executor.command?.arguments == ["etcd-mesos-executor", "--log-level=info"])
        #expect(executor.command?.environment?["ETCD_CLUSTER"] == "etcd-a")
    }

    @Test func acceptCallBuiltInCodeEncodesLikeTheExample() throws {
        let resources: [Resource] = [
            .scalar("cpus", 0.5, allocatedTo: "etcd"), .scalar("mem", 512, allocatedTo: "etcd"),
            .scalar("disk", 1024, allocatedTo: "etcd"),
            .ranges("ports", [31000...31001], allocatedTo: "etcd"),
        ]
        let executor = ExecutorInfo(
            type: .custom, executorID: "etcd-a.member-1.7.exec",
            command: CommandInfo(
                value: "/opt/etcd-mesos/bin/etcd-mesos-executor",
                arguments: ["etcd-mesos-executor", "--log-level=info"], shell: false,
                environment: Environment(["ETCD_CLUSTER": "etcd-a"])),
            resources: [
                .scalar("cpus", 0.1, allocatedTo: "etcd"), .scalar("mem", 64, allocatedTo: "etcd"),
            ],
            name: "etcd-mesos-executor", shutdownGracePeriod: DurationInfo(.seconds(10)))
        let task = TaskInfo(
            name: "etcd-a-member-1", taskID: "etcd-a.member-1.7",
            agentID: "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-S0",
            resources: resources, executor: executor,
            data: Data(#"{"clientPort":31000,"peerPort":31001}"#.utf8),
            labels: Labels(["member": "member-1"]),
            discovery: DiscoveryInfo(
                visibility: .framework, name: "etcd-a-member-1",
                ports: .init([
                    .init(number: 31000, name: "client", protocol: "tcp"),
                    .init(number: 31001, name: "peer", protocol: "tcp"),
                ])),
            killPolicy: KillPolicy(gracePeriod: DurationInfo(.seconds(5))))
        let call = SchedulerCall(
            frameworkID: "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000",
            .accept(
                .init(
                    offerIDs: ["a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-O12"],
                    operations: [.launch([task])],
                    filters: Filters(refuseSeconds: 10))))
        #expect(
            try encodedTree(call).withoutEmptyArrays
                == JSONValue(parsing: FactSheetExamples.acceptCall))
    }

    @Test func updateEventAndItsAcknowledgement() throws {
        let event = try roundTrip(SchedulerEvent.self, FactSheetExamples.updateEvent)
        guard case .update(let update) = event else {
            Issue.record("expected UPDATE, got \(event)")
            return
        }
        let status = update.status
        #expect(status.state == .running && status.source == .executor && status.healthy == true)
        #expect(status.timestamp == 1763860000.125)
        #expect(status.uuid?.count == 16)
        #expect(status.uuidValue == UUID(uuidString: "8F2C1D3E-5A6B-4C7D-9E8F-0A1B2C3D4E5F"))

        let acknowledge = try #require(SchedulerCall.Acknowledge(status))
        let call = SchedulerCall(
            frameworkID: "a6f0e5b2-1d2c-4e8f-9a3b-7c6d5e4f3a21-0000", .acknowledge(acknowledge))
        #expect(try encodedTree(call) == JSONValue(parsing: FactSheetExamples.acknowledgeCall))
        try roundTrip(SchedulerCall.self, FactSheetExamples.acknowledgeCall)
    }

    @Test func masterGeneratedUpdateNeedsNoAcknowledgement() throws {
        let event = try roundTrip(SchedulerEvent.self, FactSheetExamples.masterUpdateEvent)
        guard case .update(let update) = event else {
            Issue.record("expected UPDATE, got \(event)")
            return
        }
        #expect(update.status.state == .lost && update.status.state.isTerminal)
        #expect(update.status.reason == .agentRemoved && update.status.source == .master)
        #expect(update.status.uuid == nil)
        #expect(SchedulerCall.Acknowledge(update.status) == nil)
    }

    @Test func executorResubscribeCall() throws {
        let call = try roundTrip(ExecutorCall.self, FactSheetExamples.executorResubscribeCall)
        guard case .subscribe(let subscribe) = call.payload else {
            Issue.record("expected SUBSCRIBE, got \(call.typeName)")
            return
        }
        #expect(call.executorID == "etcd-a.member-1.7.exec")
        #expect(subscribe.unacknowledgedTasks.isEmpty)
        #expect(subscribe.unacknowledgedUpdates.map(\.status.state) == [.running])
    }

    @Test func executorSubscribeWithNothingUnacknowledgedStillSendsThePayload() throws {
        let call = ExecutorCall(frameworkID: "fw", executorID: "ex", .subscribe(.init()))
        let tree = try encodedTree(call)
        #expect(
            tree["subscribe"]
                == .object([
                    "unacknowledged_tasks": .array([]), "unacknowledged_updates": .array([]),
                ]))
    }

    @Test func executorLaunchEvent() throws {
        let event = try roundTrip(ExecutorEvent.self, FactSheetExamples.executorLaunchEvent)
        guard case .launch(let launch) = event else {
            Issue.record("expected LAUNCH, got \(event)")
            return
        }
        #expect(launch.task.executor?.executorID == "etcd-a.member-1.7.exec")
        #expect(launch.task.executor?.command?.shell == false)
        #expect(launch.task.resources == [.scalar("cpus", 0.5)])
    }

    @Test func executorUpdateAndMessageCalls() throws {
        let update = try roundTrip(ExecutorCall.self, FactSheetExamples.executorUpdateCall)
        guard case .update(let payload) = update.payload else {
            Issue.record("expected UPDATE, got \(update.typeName)")
            return
        }
        #expect(payload.status.state == .killed && payload.status.message == "stopped by KILL")

        let message = try roundTrip(ExecutorCall.self, FactSheetExamples.executorMessageCall)
        #expect(message.payload == .message(.init(data: Data("ping".utf8))))
    }

    @Test func masterInfoFromZooKeeper() throws {
        let info = try roundTrip(MasterInfo.self, FactSheetExamples.masterInfoNode)
        #expect(info.dottedIP == "127.0.0.1" && info.port == 5050 && info.version == "1.11.0")
        #expect(info.capabilities.map(\.type) == [.agentUpdate, .agentDraining, .quotaV2])
        #expect(info.endpoint() == MesosEndpoint(host: "127.0.0.1", port: 5050))
        #expect(info.endpoint().schedulerURL == "http://127.0.0.1:5050/api/v1/scheduler")
    }
}

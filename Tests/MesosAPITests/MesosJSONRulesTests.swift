import Foundation
import MesosAPI
import Testing

/// The protobuf-JSON rules of docs/mesos-v1-http.md §2, checked one by one.
@Suite("Mesos JSON rules")
struct MesosJSONRulesTests {
    @Test func keysAreProtoSnakeCaseNames() throws {
        let status = TaskStatus(
            taskID: "t", state: .running, agentID: "a", executorID: "e",
            uuid: TaskStatus.uuidBytes(),
            unreachableTime: TimeInfo(nanoseconds: 1))
        #expect(
            try encodedTree(status).keys
                == ["task_id", "state", "agent_id", "executor_id", "uuid", "unreachable_time"])
        let info = FrameworkInfo(user: "u", name: "n", failoverTimeout: 1, webuiURL: "http://x")
        #expect(try encodedTree(info).keys.isSuperset(of: ["failover_timeout", "webui_url"]))
        let text = try encodedText(
            SchedulerCall(frameworkID: "f", .decline(.init(offerIDs: ["o"]))))
        #expect(text.contains("\"offer_ids\"") && text.contains("\"framework_id\""))
        #expect(!text.contains("offerIDs") && !text.contains("frameworkID"))
    }

    @Test func enumsAreTheirProtoNames() throws {
        let status = TaskStatus(
            taskID: "t", state: .goneByOperator, source: .agent, reason: .invalidFrameworkID)
        let tree = try encodedTree(status)
        #expect(tree["state"] == .string("TASK_GONE_BY_OPERATOR"))
        #expect(tree["source"] == .string("SOURCE_AGENT"))
        #expect(tree["reason"] == .string("REASON_INVALID_FRAMEWORKID"))
        for state in TaskState.knownCases {
            #expect(TaskState(name: state.name) == state)
        }
        for reason in TaskStatus.Reason.knownCases {
            #expect(
                reason.name.hasPrefix("REASON_") && TaskStatus.Reason(name: reason.name) == reason)
        }
        #expect(TaskStatus.Reason.knownCases.count == 35)
    }

    @Test func unknownEnumNamesAreKeptAndRoundTrip() throws {
        let text = #"""
            {"task_id": {"value": "t"}, "state": "TASK_TELEPORTED", "reason": "REASON_COSMIC_RAY",
             "source": "SOURCE_ORACLE"}
            """#
        let status = try decodeMesos(TaskStatus.self, text)
        #expect(status.state == .unrecognized("TASK_TELEPORTED"))
        #expect(!status.state.isKnown && !status.state.isTerminal)
        #expect(status.reason == .unrecognized("REASON_COSMIC_RAY"))
        #expect(status.source == .unrecognized("SOURCE_ORACLE"))
        let tree = try encodedTree(status)
        #expect(
            tree["state"] == .string("TASK_TELEPORTED")
                && tree["reason"] == .string("REASON_COSMIC_RAY"))
    }

    @Test func unknownTypesOfUnionsAreTolerated() throws {
        let event = try decodeMesos(
            SchedulerEvent.self,
            #"{"type": "UPDATE_OPERATION_STATUS", "update_operation_status": {"status": {}}}"#)
        #expect(event == .unrecognized("UPDATE_OPERATION_STATUS"))
        let executorEvent = try decodeMesos(ExecutorEvent.self, #"{"type": "SOMETHING_NEW"}"#)
        #expect(executorEvent == .unrecognized("SOMETHING_NEW"))
        let operation = try decodeMesos(
            Offer.Operation.self, #"{"type": "RESERVE", "reserve": {"resources": []}}"#)
        #expect(operation == .unrecognized("RESERVE"))
        #expect(try encodedTree(operation) == .object(["type": .string("RESERVE")]))
    }

    @Test func unknownFieldsAreIgnored() throws {
        let text = #"""
            {"type": "SUBSCRIBED", "brand_new": [1, 2], "subscribed": {"framework_id": {"value": "f", "extra": 1},
             "heartbeat_interval_seconds": 15.0, "master_info": {"id": "m", "ip": 16777343, "port": 5050,
             "domain": {"fault_domain": {"region": {"name": "r"}}}}}}
            """#
        let event = try decodeMesos(SchedulerEvent.self, text)
        guard case .subscribed(let subscribed) = event else {
            Issue.record("expected SUBSCRIBED, got \(event)")
            return
        }
        #expect(subscribed.frameworkID == "f" && subscribed.heartbeatIntervalSeconds == 15)
        #expect(subscribed.masterInfo?.dottedIP == "127.0.0.1")
    }

    @Test func bytesAreStandardBase64() throws {
        let uuid = try #require(UUID(uuidString: "8F2C1D3E-5A6B-4C7D-9E8F-0A1B2C3D4E5F"))
        let bytes = TaskStatus.uuidBytes(uuid)
        #expect(bytes.count == 16)
        let call = SchedulerCall(
            frameworkID: "f", .acknowledge(.init(agentID: "a", taskID: "t", uuid: bytes)))
        #expect(
            try encodedTree(call)["acknowledge"]?["uuid"] == .string("jywdPlprTH2ejwobLD1OXw=="))
        let message = ExecutorCall.Message(data: Data([0xFF, 0xFE, 0x00]))
        #expect(try encodedText(message) == #"{"data":"//4A"}"#)
    }

    @Test func sixtyFourBitIntegersKeepEveryDigit() throws {
        let big: Int64 = 9_007_199_254_740_993  // 2^53 + 1: a Double would round it
        let text = try encodedText(DurationInfo(nanoseconds: big))
        #expect(text == #"{"nanoseconds":9007199254740993}"#)
        #expect(try decodeMesos(DurationInfo.self, text).nanoseconds == big)

        let range = try decodeMesos(
            Value.Range.self, #"{"begin": 18446744073709551614, "end": 18446744073709551615}"#)
        #expect(range.begin == UInt64.max - 1 && range.end == UInt64.max)
        let text2 = try encodedText(range)  // key order is the encoder's business
        #expect(
            text2.contains(#""begin":18446744073709551614"#)
                && text2.contains(#""end":18446744073709551615"#))
    }

    @Test func numbersMayArriveAsNumericStrings() throws {
        #expect(
            try decodeMesos(DurationInfo.self, #"{"nanoseconds": "9007199254740993"}"#).nanoseconds
                == 9_007_199_254_740_993)
        #expect(
            try decodeMesos(Value.Range.self, #"{"begin": "31000", "end": 32000}"#)
                == Value.Range(31000...32000))
        #expect(try decodeMesos(Filters.self, #"{"refuse_seconds": "2.5"}"#).refuseSeconds == 2.5)
        #expect(
            try decodeMesos(Filters.self, #"{"refuse_seconds": "Infinity"}"#).refuseSeconds
                == .infinity)
        #expect(try decodeMesos(Value.Scalar.self, #"{"value": 0.5}"#).value == 0.5)
        #expect(
            try decodeMesos(MasterInfo.self, #"{"id": "m", "ip": "16777343", "port": "5050"}"#).port
                == 5050)
        #expect(throws: DecodingError.self) {
            try decodeMesos(DurationInfo.self, #"{"nanoseconds": "soon"}"#)
        }
    }

    @Test func requiredFieldsAreAlwaysEmitted() throws {
        #expect(try encodedText(TaskID("t")) == #"{"value":"t"}"#)
        #expect(try encodedText(TaskID("")) == #"{"value":""}"#)
        let task = TaskInfo(name: "n", taskID: "t", agentID: "a", resources: [.scalar("cpus", 1)])
        let tree = try encodedTree(task)
        #expect(tree.keys.isSuperset(of: ["name", "task_id", "agent_id", "resources"]))
        #expect(
            tree["resources"]?[0]
                == .object([
                    "name": .string("cpus"), "type": .string("SCALAR"),
                    "scalar": .object(["value": .number(1)]),
                ]))
        let launch = try encodedTree(Offer.Operation.launch([task]))
        #expect(launch["type"] == .string("LAUNCH") && launch["launch"]?["task_infos"]?[0] == tree)
        #expect(
            try encodedTree(FrameworkInfo(user: "", name: "")).keys.isSuperset(of: ["user", "name"])
        )
        #expect(
            try encodedTree(CommandInfo.URI(value: "http://x/y"))
                == .object(["value": .string("http://x/y")]))
        #expect(try encodedTree(Label(key: "k")) == .object(["key": .string("k")]))
    }

    @Test func missingRequiredFieldsAreRefusedOnDecoding() throws {
        #expect(throws: DecodingError.self) { try decodeMesos(TaskID.self, "{}") }
        #expect(throws: DecodingError.self) {
            try decodeMesos(TaskStatus.self, #"{"state": "TASK_RUNNING"}"#)
        }
        #expect(throws: DecodingError.self) {
            try decodeMesos(SchedulerEvent.self, #"{"offers": {}}"#)
        }
    }

    @Test func payloadlessTypesCarryOnlyTheirType() throws {
        #expect(try encodedText(SchedulerEvent.heartbeat) == #"{"type":"HEARTBEAT"}"#)
        #expect(try encodedText(ExecutorEvent.shutdown) == #"{"type":"SHUTDOWN"}"#)
        #expect(
            try encodedTree(SchedulerCall(frameworkID: "f", .teardown))
                == .object([
                    "framework_id": .object(["value": .string("f")]), "type": .string("TEARDOWN"),
                ]))
        // Mesos accepts REVIVE / SUPPRESS / RECONCILE without their (all-optional) payload; so do we.
        let revive = try decodeMesos(
            SchedulerCall.self, #"{"framework_id": {"value": "f"}, "type": "REVIVE"}"#)
        #expect(revive.payload == .revive(.init()))
        let reconcile = try decodeMesos(
            SchedulerCall.self, #"{"framework_id": {"value": "f"}, "type": "RECONCILE"}"#)
        #expect(reconcile.payload == .reconcile(.init()))
    }

    @Test func everySchedulerCallRoundTrips() throws {
        let payloads: [SchedulerCall.Payload] = [
            .subscribe(
                .init(frameworkInfo: FrameworkInfo(user: "u", name: "n"), suppressedRoles: ["r"])),
            .teardown,
            .accept(
                .init(
                    offerIDs: ["o"], operations: [.launch([])], filters: Filters(refuseSeconds: 1))),
            .decline(.init(offerIDs: ["o1", "o2"], filters: Filters(refuseSeconds: 31_536_000))),
            .revive(.init(roles: ["etcd"])),
            .suppress(.init()),
            .kill(
                .init(
                    taskID: "t", agentID: "a",
                    killPolicy: KillPolicy(gracePeriod: DurationInfo(.seconds(3))))),
            .shutdown(.init(executorID: "e", agentID: "a")),
            .acknowledge(.init(agentID: "a", taskID: "t", uuid: TaskStatus.uuidBytes())),
            .reconcile(.init(tasks: [.init(taskID: "t", agentID: "a"), .init(taskID: "u")])),
            .message(.init(agentID: "a", executorID: "e", data: Data("hi".utf8))),
            .request(
                .init(requests: [ResourceRequest(agentID: "a", resources: [.scalar("cpus", 1)])])),
            .updateFramework(.init(frameworkInfo: FrameworkInfo(user: "u", name: "n", id: "f"))),
            .unrecognized("NEW_CALL"),
        ]
        for payload in payloads {
            let call = SchedulerCall(frameworkID: "f", payload)
            let tree = try encodedTree(call)
            #expect(tree["type"] == .string(payload.typeName))
            #expect(try MesosJSON.decode(SchedulerCall.self, from: MesosJSON.encode(call)) == call)
        }
        let revive = try encodedTree(
            SchedulerCall(frameworkID: "f", .revive(.init(roles: ["etcd"]))))
        #expect(revive["revive"] == .object(["roles": .array([.string("etcd")])]))
    }

    @Test func everyEventRoundTrips() throws {
        let master = try #require(MasterInfo(id: "m", ipv4: "127.0.0.1", port: 5050))
        let schedulerEvents: [SchedulerEvent] = [
            .subscribed(.init(frameworkID: "f", heartbeatIntervalSeconds: 15, masterInfo: master)),
            .offers(.init(offers: [Offer(id: "o", frameworkID: "f", agentID: "a", hostname: "h")])),
            .rescind(.init(offerID: "o")),
            .update(.init(status: TaskStatus(taskID: "t", state: .starting))),
            .message(.init(agentID: "a", executorID: "e", data: Data([1, 2, 3]))),
            .failure(.init(agentID: "a", executorID: "e", status: -1)),
            .failure(.init(agentID: "a")),
            .error(.init(message: "Framework has been removed")),
            .heartbeat,
        ]
        for event in schedulerEvents {
            #expect(
                try MesosJSON.decode(SchedulerEvent.self, from: MesosJSON.encode(event)) == event)
        }
        #expect(
            try encodedTree(SchedulerEvent.error(.init(message: "x")))["error"]
                == .object(["message": .string("x")]))

        let task = TaskInfo(
            name: "n", taskID: "t", agentID: "a", command: CommandInfo(value: "true"))
        let executorEvents: [ExecutorEvent] = [
            .subscribed(
                .init(
                    executorInfo: ExecutorInfo(executorID: "e"),
                    frameworkInfo: FrameworkInfo(user: "u", name: "n", id: "f"),
                    agentInfo: AgentInfo(hostname: "h", port: 5051, id: "a"),
                    containerID: ContainerID("child", parent: ContainerID("parent")))),
            .launch(.init(task: task)),
            .launchGroup(.init(taskGroup: TaskGroupInfo(tasks: [task]))),
            .kill(
                .init(
                    taskID: "t", killPolicy: KillPolicy(gracePeriod: DurationInfo(nanoseconds: 1)))),
            .acknowledged(.init(taskID: "t", uuid: TaskStatus.uuidBytes())),
            .message(.init(data: Data("m".utf8))),
            .shutdown,
            .error(.init(message: "boom")),
            .heartbeat,
        ]
        for event in executorEvents {
            #expect(
                try MesosJSON.decode(ExecutorEvent.self, from: MesosJSON.encode(event)) == event)
        }
        let group = try encodedTree(
            ExecutorEvent.launchGroup(.init(taskGroup: TaskGroupInfo(tasks: [task]))))
        #expect(
            group["type"] == .string("LAUNCH_GROUP")
                && group["launch_group"]?["task_group"]?["tasks"]?[0] != nil)

        let launchGroup = Offer.Operation.launchGroup(
            .init(
                executor: ExecutorInfo(type: .default, executorID: "e"),
                taskGroup: TaskGroupInfo(tasks: [task])))
        #expect(
            try encodedTree(launchGroup)["launch_group"]?["executor"]?["type"] == .string("DEFAULT")
        )
        #expect(
            try MesosJSON.decode(Offer.Operation.self, from: MesosJSON.encode(launchGroup))
                == launchGroup)
    }

    @Test func executorCallsCarryBothIDs() throws {
        let call = ExecutorCall(frameworkID: "f", executorID: "e", .heartbeat)
        #expect(
            try encodedTree(call)
                == .object([
                    "framework_id": .object(["value": .string("f")]),
                    "executor_id": .object(["value": .string("e")]),
                    "type": .string("HEARTBEAT"),
                ]))
    }

    @Test func masterInfoIntegerAddress() throws {
        #expect(MasterInfo.integerIP(fromDotted: "127.0.0.1") == 16_777_343)
        #expect(MasterInfo.dotted(fromIntegerIP: 16_777_343) == "127.0.0.1")
        #expect(MasterInfo.integerIP(fromDotted: "10.1.2.255") == 0xFF02_010A)
        #expect(MasterInfo.integerIP(fromDotted: "256.0.0.1") == nil)
        #expect(MasterInfo.integerIP(fromDotted: "localhost") == nil)
        let info = try #require(MasterInfo(id: "m", ipv4: "127.0.0.3", port: 15050))
        #expect(info.pid == "master@127.0.0.3:15050" && info.address?.port == 15050)
        #expect(info.endpoint() == MesosEndpoint(host: "127.0.0.3", port: 15050))
        // Without `address`, the integer ip and `port` are used.
        #expect(
            MasterInfo(id: "m", ip: 16_777_343, port: 5051).endpoint().hostAndPort
                == "127.0.0.1:5051")
    }

    @Test func durations() {
        #expect(DurationInfo(.seconds(5)).nanoseconds == 5_000_000_000)
        #expect(DurationInfo(.milliseconds(1500)).duration == .milliseconds(1500))
        #expect(DurationInfo(.seconds(Int64.max)).nanoseconds == .max)
    }
}

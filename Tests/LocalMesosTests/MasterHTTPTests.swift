import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import NIOCore
import NIOHTTP1
import Testing

@Suite struct MasterHTTPTests {
    @Test func subscribeStreamsSubscribedHeartbeatAndOffersAsChunkedRecordIO() async throws {
        try await withMaster(agents: 2) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                #expect(scheduler.subscribeAnswer.header("Content-Type") == "application/json")
                #expect(scheduler.subscribeAnswer.header("Transfer-Encoding") == "chunked")
                #expect(scheduler.subscribeAnswer.header("Content-Length") == nil)
                #expect(UUID(uuidString: scheduler.streamID) != nil)
                #expect(scheduler.frameworkID.value.hasSuffix("-0000"))
                let offers = try await scheduler.nextOffers()
                #expect(offers.map(\.hostname).sorted() == ["127.0.0.2", "127.0.0.3"])
                let events = await scheduler.received
                #expect(events.count >= 3)
                #expect(events.dropFirst().first == .heartbeat)
            }
        }
    }

    @Test func heartbeatsArriveEveryInterval() async throws {
        let configuration = MasterConfiguration(heartbeatIntervalSeconds: 0.2)
        try await withMaster(agents: 0, configuration: configuration) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                let start = ContinuousClock.now
                for _ in 0..<3 {
                    try await scheduler.next("HEARTBEAT") { $0 == .heartbeat ? true : nil }
                }
                // The first comes right after SUBSCRIBED, then two more at 0.2 s intervals.
                #expect(ContinuousClock.now - start >= .milliseconds(350))
            }
        }
    }

    @Test func declinedAgentIsNotOfferedAgainBeforeTheFilterExpires() async throws {
        try await withMaster(agents: 1) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                let offer = try #require(try await scheduler.nextOffers().first)
                let declined = ContinuousClock.now
                let answer = try await scheduler.call(
                    .decline(.init(offerIDs: [offer.id], filters: Filters(refuseSeconds: 1))))
                #expect(answer.status == 202)
                #expect(answer.body.isEmpty)
                let again = try #require(try await scheduler.nextOffers().first)
                #expect(again.agentID == offer.agentID)
                #expect(ContinuousClock.now - declined >= .seconds(1))
            }
        }
    }

    @Test func malformedCallsGetTheStatusCodesRealMesosGives() async throws {
        try await withMaster(agents: 0) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                let url = embedded.url + "/api/v1/scheduler"
                let json = ("Content-Type", "application/json")
                let decline = try MesosJSON.encode(
                    SchedulerCall(frameworkID: scheduler.frameworkID, .decline(.init())))

                let get = try await httpRequest(url, method: .GET)
                #expect(get.status == 405)
                #expect(get.header("Allow") == "POST")
                #expect(
                    get.body
                        == "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'"
                )

                let noType = try await httpRequest(url, body: decline)
                #expect(noType.status == 400)
                #expect(noType.body == "Expecting 'Content-Type' to be present")

                let charset = try await httpRequest(
                    url, headers: [("Content-Type", "application/json; charset=utf-8")],
                    body: decline)
                #expect(charset.status == 415)
                let protobuf = try await httpRequest(
                    url, headers: [("Content-Type", "application/x-protobuf")], body: decline)
                #expect(protobuf.status == 415)

                let notJSON = try await httpRequest(url, headers: [json], body: Data("{nope".utf8))
                #expect(notJSON.status == 400)
                #expect(notJSON.body.hasPrefix("Failed to parse body into JSON: "))

                let noPayload = try await httpRequest(
                    url, headers: [json, ("Mesos-Stream-Id", scheduler.streamID)],
                    body: Data(
                        #"{"type":"ACCEPT","framework_id":{"value":"\#(scheduler.frameworkID)"}}"#
                            .utf8))
                #expect(noPayload.status == 400)
                #expect(
                    noPayload.body
                        == "Failed to validate scheduler::Call: Expecting 'accept' to be present")

                let badEnum = try await httpRequest(
                    url, headers: [json],
                    body: Data(#"{"type":"FROB","framework_id":{"value":"x"}}"#.utf8))
                #expect(badEnum.status == 400)

                let noStream = try await httpRequest(url, headers: [json], body: decline)
                #expect(noStream.status == 400)
                #expect(
                    noStream.body
                        == "All non-subscribe calls should include the 'Mesos-Stream-Id' header")

                let wrongStream = try await scheduler.call(.decline(.init()), streamID: "not-it")
                #expect(wrongStream.status == 400)
                #expect(
                    wrongStream.body
                        == "The stream ID 'not-it' included in this request didn't match the stream ID currently associated with framework ID \(scheduler.frameworkID)"
                )

                let stranger = try await httpRequest(
                    url, headers: [json, ("Mesos-Stream-Id", scheduler.streamID)],
                    body: try MesosJSON.encode(
                        SchedulerCall(frameworkID: "stranger", .decline(.init()))))
                #expect(stranger.status == 400)
                #expect(stranger.body == "Framework cannot be found")

                let unknown = try await scheduler.call(.unrecognized("UNKNOWN"))
                #expect(unknown.status == 501)

                let badAck = try await scheduler.call(
                    .acknowledge(.init(agentID: "a", taskID: "t", uuid: Data([1]))))
                #expect(badAck.status == 400)
                #expect(badAck.body == "Failed to validate scheduler::Call: Not a valid UUID")

                let subscribe = try MesosJSON.encode(SchedulerCall.subscribe(.test()))
                let html = try await httpRequest(
                    url, headers: [json, ("Accept", "text/html")], body: subscribe)
                #expect(html.status == 406)
                let withStream = try await httpRequest(
                    url, headers: [json, ("Mesos-Stream-Id", scheduler.streamID)], body: subscribe)
                #expect(withStream.status == 400)
                #expect(
                    withStream.body
                        == "Subscribe calls should not include the 'Mesos-Stream-Id' header")
                var mismatched = SchedulerCall.subscribe(.test())
                mismatched.frameworkID = "other"
                let mismatch = try await httpRequest(
                    url, headers: [json], body: try MesosJSON.encode(mismatched))
                #expect(mismatch.status == 400)
                #expect(
                    mismatch.body
                        == "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'"
                )

                // The long path and a longer prefix reach the same handler.
                let long = try await httpRequest(
                    embedded.url + "/master/api/v1/scheduler",
                    headers: [json, ("Mesos-Stream-Id", scheduler.streamID)], body: decline)
                #expect(long.status == 202)
                let prefix = try await httpRequest(
                    embedded.url + "/api/v1/scheduler/extra", method: .GET)
                #expect(prefix.status == 405)
            }
        }
    }

    @Test func resubscribingFailsOverTheOldStream() async throws {
        try await withMaster(agents: 0) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { first in
                var info = FrameworkInfo.test()
                info.id = first.frameworkID
                try await TestScheduler.withSubscribed(to: embedded.url, info) { second in
                    #expect(second.frameworkID == first.frameworkID)
                    #expect(second.streamID != first.streamID)
                    let error = try await first.next("ERROR") { event in
                        if case .error(let error) = event { return error.message }
                        return nil
                    }
                    #expect(error == "Framework failed over")
                    #expect(try await first.waitForEnd() == nil)
                    #expect(
                        try await first.call(.revive(.init()), streamID: first.streamID).status
                            == 400)
                    #expect(try await second.call(.revive(.init())).status == 202)
                }
            }
        }
    }

    @Test func closingTheStreamDisconnectsTheFramework() async throws {
        try await withMaster(agents: 0) { embedded in
            let scheduler = try await TestScheduler.subscribe(
                to: embedded.url, .test(failoverTimeout: 600))
            scheduler.disconnect()
            try await eventually("the master to see the framework disconnected") {
                try await scheduler.call(.revive(.init())).status == 403
            }
            #expect(
                try await scheduler.call(.revive(.init())).body == "Framework is not subscribed")
        }
    }

    @Test func refusedSubscriptionIsAnErrorEventThenTheEnd() async throws {
        try await withMaster(agents: 0) { embedded in
            var info = FrameworkInfo.test()
            info.roles = ["etcd", "etcd"]
            let scheduler = try? await TestScheduler.subscribe(to: embedded.url, info)
            #expect(scheduler == nil)
            var request = HTTPClientRequest(url: embedded.url + "/api/v1/scheduler")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(bytes: try MesosJSON.encode(SchedulerCall.subscribe(info))))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status.code == 200)
            var events: [SchedulerEvent] = []
            for try await record in response.body.recordIORecords() {
                events.append(try MesosJSON.decode(SchedulerEvent.self, from: record))
            }
            #expect(
                events == [
                    .error(
                        .init(message: "'FrameworkInfo.roles' contains duplicate items: { etcd }"))
                ])
        }
    }

    @Test func firstRecordIsFramedExactly() async throws {
        try await withMaster(agents: 0) { embedded in
            var request = HTTPClientRequest(url: embedded.url + "/api/v1/scheduler")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(bytes: try MesosJSON.encode(SchedulerCall.subscribe(.test()))))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            var bytes: [UInt8] = []
            var iterator = response.body.makeAsyncIterator()
            while bytes.count < 40, let chunk = try await iterator.next() {
                bytes += chunk.readableBytesView
            }
            let newline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
            let length = try #require(Int(String(decoding: bytes[..<newline], as: UTF8.self)))
            // Keep reading until the whole first record is here.
            #expect(bytes[0] != UInt8(ascii: "0"))
            var rest = Array(bytes[(newline + 1)...])
            while rest.count < length, let chunk = try await iterator.next() {
                rest += chunk.readableBytesView
            }
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data(rest.prefix(length))) as? [String: Any])
            #expect(record["type"] as? String == "SUBSCRIBED")
            // The HEARTBEAT follows at once: `20\n{"type":"HEARTBEAT"}`.
            while rest.count < length + 23, let chunk = try await iterator.next() {
                rest += chunk.readableBytesView
            }
            #expect(
                String(decoding: rest[length...], as: UTF8.self) == #"20\#n{"type":"HEARTBEAT"}"#)
        }
    }

    @Test func operatorEndpointsDescribeTheMaster() async throws {
        try await withMaster(agents: 2) { embedded in
            try await TestScheduler.withSubscribed(to: embedded.url, .test()) { scheduler in
                _ = try await scheduler.nextOffers()
                for path in ["/master/state", "/state", "/state.json", "/master/state.json"] {
                    let answer = try await httpRequest(embedded.url + path, method: .GET)
                    #expect(answer.status == 200, "\(path)")
                    let state = try #require(
                        try JSONSerialization.jsonObject(with: Data(answer.body.utf8))
                            as? [String: Any])
                    #expect(state["leader"] as? String == "master@127.0.0.1:\(embedded.port)")
                    #expect(state["activated_slaves"] as? Int == 2)
                    let slaves = try #require(state["slaves"] as? [[String: Any]])
                    #expect(
                        slaves.compactMap { $0["hostname"] as? String }.sorted() == [
                            "127.0.0.2", "127.0.0.3",
                        ])
                    let resources = try #require(slaves.first?["resources"] as? [String: Any])
                    #expect(resources["cpus"] as? Double == 4)
                    #expect(resources["ports"] as? String == "[31000-32000]")
                    let frameworks = try #require(state["frameworks"] as? [[String: Any]])
                    #expect(frameworks.first?["id"] as? String == scheduler.frameworkID.value)
                    #expect(frameworks.first?["connected"] as? Bool == true)
                    #expect((frameworks.first?["offers"] as? [Any])?.count == 2)
                }
                #expect(try await httpRequest(embedded.url + "/health", method: .GET).status == 200)
                #expect(
                    try await httpRequest(embedded.url + "/master/health", method: .GET).status
                        == 200)
                let version = try await httpRequest(embedded.url + "/version", method: .GET)
                #expect(version.body.contains(#""version":"1.11.0""#))
                #expect(
                    try await httpRequest(embedded.url + "/master/redirect/x", method: .GET).status
                        == 404)
            }
        }
    }

    @Test func redirectPointsAtTheLeader() async throws {
        try await withMaster(agents: 0) { embedded in
            // AsyncHTTPClient follows redirects by default; a client that does not is needed here.
            let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
            var request = HTTPClientRequest(url: embedded.url + "/master/redirect")
            request.method = .GET
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(10))
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
            #expect(response.status.code == 307)
            #expect(response.headers.first(name: "Location") == "//127.0.0.1:\(embedded.port)")
        }
    }
}

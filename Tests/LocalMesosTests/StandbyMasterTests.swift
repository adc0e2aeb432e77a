import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import Logging
import MesosAPI
import Testing

@testable import LocalMesos

/// Local masters that do not lead answer as real standbys (src/master/http.cpp, `Master::Http::scheduler`,
/// `api`, `state`, `teardown` → `redirect()`): 307 to `//<leader>:<port>` + the delegated path, before any
/// other check; 503 "No leader elected" while they know no leader.
@Suite("Local Mesos: standby masters", .serialized)
struct StandbyMasterTests {
    @Test func firstMasterLeadsAndOthersRedirectToIt() async throws {
        try await MultiMasterHarness.withMasters(3) { harness in
            let masters = harness.cluster.masters
            #expect(masters.map(\.isLeading) == [true, false, false])
            let leader = harness.base(masters[0])
            for standby in masters.dropFirst() {
                let json = [("Content-Type", "application/json")]
                let short = try await harness.request(
                    standby.url + "/api/v1/scheduler", headers: json,
                    body: MultiMasterHarness.subscribeBody)
                #expect(short.status == 307)
                // libprocess delegates `/api/v1/scheduler` to the `master` process: the path is rewritten.
                #expect(short.location == leader + "/master/api/v1/scheduler")
                let long = try await harness.request(
                    standby.url + "/master/api/v1/scheduler", headers: json, body: "{}")
                #expect(long.location == leader + "/master/api/v1/scheduler")
                // The redirect comes before the method and content checks.
                let get = try await harness.request(
                    standby.url + "/api/v1/scheduler", method: .GET)
                #expect(get.status == 307)
                let state = try await harness.request(standby.url + "/master/state", method: .GET)
                #expect(state.status == 307)
                #expect(state.location == leader + "/master/state")
                let query = try await harness.request(standby.url + "/state?jsonp=x", method: .GET)
                #expect(query.location == leader + "/master/state?jsonp=x")
                let operatorAPI = try await harness.request(
                    standby.url + "/api/v1", headers: json, body: #"{"type":"GET_HEALTH"}"#)
                #expect(operatorAPI.status == 307)
                #expect(operatorAPI.location == leader + "/master/api/v1")
                let redirect = try await harness.request(
                    standby.url + "/master/redirect", method: .GET)
                #expect(redirect.status == 307)
                #expect(redirect.location == leader)
                #expect(
                    try await harness.request(standby.url + "/health", method: .GET).status == 200)
            }
            let own = try await harness.request(masters[0].url + "/master/redirect", method: .GET)
            #expect(own.location == leader)
            #expect(
                try await harness.request(masters[0].url + "/master/state", method: .GET).status
                    == 200)
        }
    }

    @Test func aStandbyThatKnowsNoLeaderAnswers503() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let standby = harness.cluster.masters[1]
            // As after the leader's ZooKeeper node vanished and before another was elected.
            _ = standby.leadership.update(leader: nil)
            let answer = try await harness.request(
                standby.url + "/api/v1/scheduler", headers: [("Content-Type", "application/json")],
                body: MultiMasterHarness.subscribeBody)
            #expect(answer.status == 503)
            #expect(answer.body == "No leader elected")
            #expect(answer.location == nil)
            let redirect = try await harness.request(standby.url + "/master/redirect", method: .GET)
            #expect(redirect.status == 503)
        }
    }

    @Test func stoppingTheLeaderElectsTheNextAndEndsItsStreams() async throws {
        try await MultiMasterHarness.withMasters(3) { harness in
            let masters = harness.cluster.masters
            try await SchedulerSubscription.withSubscription(
                to: MesosEndpoint(host: masters[0].host, port: masters[0].port),
                framework: .test(), httpClient: harness.client, logger: Logger(label: "test")
            ) { subscription in
                #expect(masters[0].leadership.hasOpened(subscription.streamID))
                await masters[0].stop()
                // The stream ends with the master that served it…
                var ended: (any Error)?
                do {
                    for try await _ in subscription.events {}
                } catch {
                    ended = error
                }
                #expect(ended is SchedulerClientError)
            }
            // …and the next master leads, in the shared state too.
            try await eventually("master 1 to lead") { masters[1].isLeading }
            #expect(!masters[2].isLeading)
            #expect(await masters[1].master.snapshot.masterInfo.id == masters[1].info.id)
            let answer = try await harness.request(masters[2].url + "/master/state", method: .GET)
            #expect(answer.location == harness.base(masters[1]) + "/master/state")
            let framework = try #require(await masters[1].master.snapshot.frameworks.values.first)
            #expect(!framework.isConnected)
        }
    }

    @Test func aRestartedMasterServesItsAddressAgainAsAStandby() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let cluster = harness.cluster
            let first = cluster.masters[0]
            let restarted = try await cluster.restartMaster(0, after: .milliseconds(200))
            // A new process on the same address, with a new ID, behind the master that took over.
            #expect(restarted.url == first.url)
            #expect(restarted.info.id != first.info.id)
            #expect(cluster.masters[0].info.id == restarted.info.id)
            #expect(cluster.leader?.url == cluster.masters[1].url)
            let answer = try await harness.request(restarted.url + "/master/state", method: .GET)
            #expect(answer.status == 307)
            #expect(answer.location == harness.base(cluster.masters[1]) + "/master/state")
            // Restarting the new leader hands leadership back to the restarted master.
            try await cluster.restartMaster(1)
            #expect(cluster.leader?.info.id == restarted.info.id)
            #expect(await restarted.master.snapshot.masterInfo.id == restarted.info.id)
            let state = try await harness.request(restarted.url + "/master/state", method: .GET)
            #expect(state.status == 200)
        }
    }

    @Test func everyMasterHasItsOwnInfo() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let masters = harness.cluster.masters
            #expect(masters[0].info.id != masters[1].info.id)
            #expect(masters[1].info.port == UInt32(masters[1].port))
        }
    }
}

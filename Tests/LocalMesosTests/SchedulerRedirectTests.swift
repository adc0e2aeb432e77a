import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import Logging
import MesosAPI
import Testing

@testable import LocalMesos

/// `SchedulerSubscription` against several local masters: it follows a standby's 307 itself (keeping
/// `Authorization`), sends every call to the master that accepted SUBSCRIBE, and gives the subscription up
/// when a call is answered 307 or 503.
@Suite("MesosAPI: scheduler redirects across local masters", .serialized)
struct SchedulerRedirectTests {
    let logger = Logger(label: "scheduler-redirect-test")
    let credential = MesosCredential(principal: "etcd", secret: "s3cret")

    private func endpoint(_ master: EmbeddedMaster) -> MesosEndpoint {
        MesosEndpoint(host: master.host, port: master.port)
    }

    @Test func subscribingAtAStandbyEndsAtTheLeaderAndCallsGoThere() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let (leader, standby) = (harness.cluster.masters[0], harness.cluster.masters[1])
            try await SchedulerSubscription.withSubscription(
                to: endpoint(standby), framework: .test(), credential: credential,
                httpClient: harness.client, logger: logger
            ) { subscription in
                #expect(subscription.endpoint == endpoint(leader))
                #expect(subscription.callURL == "\(leader.url)/master/api/v1/scheduler")
                for _ in 0..<3 { try await subscription.call(.reconcile(.init())) }
            }
            let authorization = "Basic " + Data("etcd:s3cret".utf8).base64EncodedString()
            let atStandby = standby.schedulerRequests.all
            #expect(atStandby.count == 1, "\(atStandby)")
            #expect(atStandby.allSatisfy { $0.status == 307 && !$0.hadStreamID })
            #expect(atStandby.allSatisfy { $0.authorization == authorization })
            let atLeader = leader.schedulerRequests.all
            #expect(atLeader.map(\.status) == [200, 202, 202, 202])
            #expect(atLeader.map(\.path).allSatisfy { $0 == "/master/api/v1/scheduler" })
            // Authorization survived the redirect to another host:port.
            #expect(atLeader.allSatisfy { $0.authorization == authorization })
            #expect(atLeader.filter(\.hadStreamID).count == 3)
        }
    }

    @Test func redirectsAreBounded() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let (first, second) = (harness.cluster.masters[0], harness.cluster.masters[1])
            // Each believes the other leads (two stale detectors): a loop the client must cut.
            _ = first.leadership.update(leader: second.info)
            await #expect {
                try await SchedulerSubscription.withSubscription(
                    to: endpoint(first), framework: .test(), httpClient: harness.client,
                    logger: logger
                ) { _ in }
            } throws: { error in
                guard case .tooManyRedirects(_, let locations) = error as? SchedulerClientError
                else { return false }
                return locations.count == 4
            }
        }
    }

    @Test func subscribingWhileNoLeaderIsKnownFailsWith503() async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let standby = harness.cluster.masters[1]
            _ = standby.leadership.update(leader: nil)
            await #expect {
                try await SchedulerSubscription.withSubscription(
                    to: endpoint(standby), framework: .test(), httpClient: harness.client,
                    logger: logger
                ) { _ in }
            } throws: { error in
                guard
                    case .notLeading(_, "SUBSCRIBE", 503, let detail) = error
                        as? SchedulerClientError
                else { return false }
                return detail == "No leader elected"
            }
        }
    }

    @Test(arguments: [307, 503])
    func aCallAnsweredByANonLeaderEndsTheSubscription(status: Int) async throws {
        try await MultiMasterHarness.withMasters(2) { harness in
            let (leader, other) = (harness.cluster.masters[0], harness.cluster.masters[1])
            try await SchedulerSubscription.withSubscription(
                to: endpoint(leader), framework: .test(), httpClient: harness.client,
                logger: logger
            ) { subscription in
                try await subscription.call(.reconcile(.init()))
                // The master learns of another leader (or of none) before its streams are closed.
                _ = leader.leadership.update(leader: status == 307 ? other.info : nil)
                var refused: SchedulerClientError?
                do {
                    try await subscription.call(.reconcile(.init()))
                } catch let error as SchedulerClientError {
                    refused = error
                }
                guard case .notLeading(_, "RECONCILE", status, _) = refused else {
                    Issue.record(
                        "expected notLeading with \(status), got \(String(describing: refused))")
                    return
                }
                var ended: (any Error)?
                do {
                    for try await _ in subscription.events {}
                } catch {
                    ended = error
                }
                #expect(ended as? SchedulerClientError == refused)
            }
        }
    }
}

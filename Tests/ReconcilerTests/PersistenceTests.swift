import Foundation
import Reconciler
import Testing

@Suite("Persistence")
struct PersistenceTests {
    @Test func theFrameworkIDTasksAndEpochArePersistedWhenTheyChange() throws {
        var h = Harness(size: 3)
        let subscribed = h.send(.subscribed(frameworkID: "fw-9"))
        #expect(subscribed.persists.map(\.frameworkID) == ["fw-9"])
        let launch = h.send(.offers([h.offer(host: 2)]))
        #expect(launch.persists.last?.tasks.count == 1)
        let running = h.deliver()
        #expect(
            running.persists.last?.clusterFormed == true && running.persists.last?.clusterEpoch == 1
        )
        let nothing = h.tick()
        #expect(nothing.persists.isEmpty, "no change, no write")
    }

    @Test func revisionOnlyChangesArePersistedAtMostOncePerInterval() {
        var h = Harness(size: 1)
        h.formCluster()
        h.world.revision = 10
        let first = h.observe()
        #expect(first.persists.map(\.lastKnownRevision) == [10])
        h.world.revision = 20
        h.tick(.seconds(30))
        let throttled = h.observe()
        #expect(throttled.persists.isEmpty)
        let later = h.tick(.seconds(30))
        #expect(later.persists.map(\.lastKnownRevision) == [20])
    }

    @Test func thePersistedStateRoundTripsThroughJSON() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let state = try #require(h.world.persisted)
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(PersistedClusterState.self, from: data) == state)
        #expect(state.tasks.count == 3 && state.frameworkID == "framework-1" && state.mayHoldData)
    }

    @Test func statsUseTheOriginalsKeys() throws {
        var h = Harness(size: 3)
        h.formCluster()
        let json = try #require(String(data: try JSONEncoder().encode(h.stats), encoding: .utf8))
        for key in [
            "running_servers", "launched_servers", "failed_servers", "cluster_livelocks",
            "cluster_reseeds", "healthy",
        ] {
            #expect(json.contains("\"\(key)\""))
        }
    }

    @Test func membersListEveryTrackedTaskWithItsEtcdID() {
        var h = Harness(size: 3)
        h.formCluster()
        let members = h.reconciler.members
        #expect(members.count == 3)
        #expect(
            members.allSatisfy {
                $0.state == .running && $0.etcdMemberID != nil && !$0.isLearner
                    && $0.reachable == true
            })
        #expect(members.map(\.identity.name) == ["etcd-1", "etcd-2", "etcd-3"])
    }
}

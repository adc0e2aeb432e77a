import EtcdClient
import EtcdMesosTesting
import Foundation
import Testing

extension RealClusterTests {
    /// The test harness itself: other targets' tests rely on it to start, crash, restart and clean up etcd.
    @Suite("Cluster harness")
    struct Harness {
        struct Planned: Error {}

        @Test(
            "a killed member restarts on its data dir; a long-lived client fails fast meanwhile, then reconnects",
            arguments: EtcdBinaries.supported)
        func killAndRestart(binaries: EtcdBinaries) async throws {
            try await withEtcdCluster(members: 1, binaries: binaries) { cluster in
                let member = try #require(cluster.members.first)
                try await EtcdClient.withClient(
                    endpoint: member.clientURL, callTimeout: .seconds(60)
                ) { client in
                    try await client.put("kept", value: "yes")
                    await cluster.kill(member)
                    #expect(member.process?.exitStatus == .signalled(SIGKILL))
                    #expect(cluster.endpoints.isEmpty)

                    let clock = ContinuousClock()
                    let start = clock.now
                    await #expect {
                        _ = try await client.status()
                    } throws: { error in
                        guard
                            case .unavailable(let endpoint, "status", _) = error as? EtcdClientError
                        else {
                            return false
                        }
                        return endpoint == member.clientURL
                    }
                    // Far less than the 60 s call timeout: a refused connection fails the call at once.
                    #expect(start.duration(to: clock.now) < .seconds(15))

                    try await cluster.restart(member)
                    #expect(cluster.endpoints == [member.clientURL])
                    try await eventually(
                        timeout: .seconds(30), "the same client to reach the restarted member"
                    ) {
                        try await client.range("kept").kvs.first?.valueString == "yes"
                    }
                }
            }
        }

        @Test("every member is stopped and the directory removed when the body throws")
        func cleansUpAfterAnError() async throws {
            var seen: EtcdCluster?
            await #expect(throws: Planned.self) {
                try await withEtcdCluster(members: 3) { cluster in
                    seen = cluster
                    throw Planned()
                }
            }
            let cluster = try #require(seen)
            #expect(cluster.members.allSatisfy { $0.process?.exitStatus != nil })
            #expect(!FileManager.default.fileExists(atPath: cluster.directory))
        }
    }
}

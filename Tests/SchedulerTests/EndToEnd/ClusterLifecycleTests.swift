import EtcdClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import Testing

/// The scheduler binary against local Mesos with real etcd: formation, replacement, reseed.
/// Serialized: each test runs several etcd members, and two cores are shared by every suite.
@Suite("End to end: cluster lifecycle", .serialized)
struct ClusterLifecycleTests {
    @Test("forms 3 members; after one agent dies it is back to 3 healthy members holding every key")
    func replacesALostMember() async throws {
        try await TestMesos.withCluster(agents: 4) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-replace")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"))
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(120), "3 healthy members")
                let urls = try await scheduler.runningClientURLs()
                try await writeKeys(1000, prefix: "/e2e/replace/", via: urls[0])

                // `etcdctl member list` and /membership name the same members.
                let etcdctl = try await EtcdctlRunner.memberNames(endpoint: urls[0])
                let membership = try await scheduler.get("/membership")
                let listed =
                    try JSONSerialization.jsonObject(with: membership.body) as? [[String: Any]]
                    ?? []
                #expect(Set(listed.compactMap { $0["name"] as? String }) == Set(etcdctl))

                let victim = try await agent(runningMemberAt: urls[1], in: mesos)
                let clock = ContinuousClock()
                let killed = clock.now
                await victim.kill()
                try await eventually(timeout: .seconds(30), "the scheduler to see the loss") {
                    let running = try await scheduler.stat("running_servers")
                    let failed = try await scheduler.stat("failed_servers")
                    return running < 3 || failed > 0
                }
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members again")
                let recovery = clock.now - killed
                print("e2e: one agent killed → 3 healthy members in \(recovery)")
                for url in try await scheduler.runningClientURLs() {
                    #expect(
                        try await countKeys(prefix: "/e2e/replace/", via: url) == 1000,
                        "keys at \(url)")
                }
                #expect(try await scheduler.stat("failed_servers") >= 1)
            }
        }
    }

    @Test(
        "after 2 of 3 members die the livelock is counted, the survivor reseeds, and 3 members hold every key"
    )
    func reseedsAfterMajorityLoss() async throws {
        try await TestMesos.withCluster(agents: 5) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-reseed")
            defer { directory.remove() }
            // ETCD_MESOS_E2E_DEFAULT_TIMINGS=1 runs it with the default chill and reseed timeout (240 s), to
            // measure the recovery time an operator would see.
            let defaults =
                ProcessInfo.processInfo.environment["ETCD_MESOS_E2E_DEFAULT_TIMINGS"] == "1"
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: defaults ? [] : ["-chill=1s", "-reseed-timeout=5"])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                let urls = try await scheduler.runningClientURLs()
                try await writeKeys(1000, prefix: "/e2e/reseed/", via: urls[0])
                let clock = ContinuousClock()
                let lost = clock.now
                for url in urls.dropFirst() {
                    try await agent(runningMemberAt: url, in: mesos).kill()
                }
                try await eventually(timeout: .seconds(60), "a livelock to be counted") {
                    try await scheduler.stat("cluster_livelocks") >= 1
                }
                try await eventually(
                    timeout: defaults ? .seconds(400) : .seconds(60), "a reseed to start"
                ) {
                    try await scheduler.stat("cluster_reseeds") >= 1
                }
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(120), "3 healthy members after the reseed"
                )
                print(
                    "e2e: majority lost → reseeded, 3 healthy members in \(clock.now - lost) (\(defaults ? "default flags" : "reseed timeout 5 s, chill 1 s"))"
                )
                for url in try await scheduler.runningClientURLs() {
                    #expect(
                        try await countKeys(prefix: "/e2e/reseed/", via: url) == 1000,
                        "keys at \(url)")
                }
            }
        }
    }
}

import EtcdClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import ProcessControl
import Testing

/// After every member is lost the scheduler waits instead of starting an empty cluster over the lost data,
/// and a restore seeds a new cluster holding exactly the snapshot's keys.
@Suite("End to end: total loss and restore", .serialized)
struct TotalLossTests {
    @Test(
        "total loss: the scheduler waits; a seed from a backup brings back 3 members with the snapshot's keys"
    )
    func seedAfterTotalLoss() async throws {
        try await TestMesos.withCluster(agents: 6) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-total-loss")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: [
                    "-chill=1s", "-backup-dir=\(directory.appending("backups"))",
                    "-backup-interval=0",
                ])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                let urls = try await scheduler.runningClientURLs()
                try await writeKeys(10_000, prefix: "/e2e/kept/", via: urls[0])
                let backup = try await takeBackup(scheduler)
                let backupID = backup.id
                let snapshotRevision = Int(backup.revision)
                try await writeKeys(100, prefix: "/e2e/after-snapshot/", via: urls[0])
                // The scheduler's probes see the later writes: the plan can count what the backup lacks.
                try await eventually(timeout: .seconds(30), "a probe to see the later writes") {
                    try await scheduler.stat("last_known_revision") >= snapshotRevision + 100
                }

                for url in urls { try await agent(runningMemberAt: url, in: mesos).kill() }
                try await eventually(timeout: .seconds(30), "the scheduler to wait for an operator")
                {
                    try await scheduler.stat("awaiting_operator") == 1
                }
                // That nothing is launched while it waits is the reconciler's to show, with a moved clock
                // (ReconcilerTests: losingEveryMemberWaitsForAnOperatorInsteadOfStartingEmpty).
                #expect(try await scheduler.get("/healthz").status == 503)

                // The plan before acting: nothing survives, the backup is the choice; a dry run changes nothing.
                let planLog = directory.appending("plan.json")
                let planned = try ChildProcess.launch(
                    executable: try BuildProducts.executable("etcd-mesos-restore"),
                    arguments: [
                        "plan", "--scheduler", scheduler.adminURL, "--token-file",
                        scheduler.tokenPath, "--json",
                    ],
                    outputPath: planLog)
                #expect(await planned.waitForExit() == .exited(0))
                let plan =
                    try JSONSerialization.jsonObject(
                        with: try Data(contentsOf: URL(fileURLWithPath: planLog))) as? [String: Any]
                    ?? [:]
                #expect(plan["situation"] as? String == "total_loss", "\(plan)")
                #expect((plan["survivors"] as? [Any])?.isEmpty == true)
                #expect((plan["newest_backup"] as? [String: Any])?["id"] as? String == backupID)
                let choices = plan["choices"] as? [[String: Any]] ?? []
                #expect(
                    choices.first { $0["chosen"] as? Bool == true }?["source"] as? String
                        == backupID)
                #expect(choices.first?["revisions_lost"] as? Int == 100, "\(choices)")
                let dryLog = directory.appending("dry-run.txt")
                let dry = try ChildProcess.launch(
                    executable: try BuildProducts.executable("etcd-mesos-restore"),
                    arguments: [
                        "seed", backupID, "--dry-run", "--scheduler", scheduler.adminURL,
                        "--token-file", scheduler.tokenPath,
                    ],
                    outputPath: dryLog)
                #expect(await dry.waitForExit() == .exited(0))
                let dryOutput = (try? String(contentsOfFile: dryLog, encoding: .utf8)) ?? ""
                #expect(dryOutput.contains("situation:  total_loss"), "\(dryOutput)")
                #expect(dryOutput.contains("nothing was changed"), "\(dryOutput)")
                #expect(try await scheduler.stat("awaiting_operator") == 1)
                #expect(try await scheduler.stat("launched_servers") == 3)
                #expect(try await scheduler.getWithoutToken("/restore/plan").status == 401)
                #expect(scheduler.logTail(lines: 100_000).contains("recovery plan (total_loss"))

                // 8 restore requests at once: the reconciler is asked first, one archive is verified at a
                // time off the cooperative pool, and /healthz keeps answering within a second meanwhile.
                let request = Data(#"{"backup": "\#(backupID)"}"#.utf8)
                let (statuses, slowestHealth) = try await withThrowingTaskGroup(
                    of: (Int?, Duration?).self
                ) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            (try await scheduler.post("/restore", body: request).status, nil)
                        }
                    }
                    group.addTask {
                        var slowest = Duration.zero
                        for _ in 0..<10 {
                            let asked = ContinuousClock.now
                            _ = try await scheduler.get("/healthz")
                            slowest = max(slowest, ContinuousClock.now - asked)
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        return (nil, slowest)
                    }
                    var statuses: [Int] = []
                    var slowest = Duration.zero
                    for try await (status, health) in group {
                        if let status { statuses.append(status) }
                        if let health { slowest = health }
                    }
                    return (statuses, slowest)
                }
                #expect(
                    slowestHealth < .seconds(1), "/healthz took \(slowestHealth) during 8 restores")
                #expect(statuses.allSatisfy { $0 == 202 || $0 == 409 }, "\(statuses)")
                #expect(statuses.contains(202), "\(statuses)")

                let clock = ContinuousClock()
                let started = clock.now
                // The operator's one command: the CLI asks for the restore and follows it until every member is
                // healthy and the revision is at least the snapshot's.
                let seedLog = directory.appending("seed.log")
                let seed = try ChildProcess.launch(
                    executable: try BuildProducts.executable("etcd-mesos-restore"),
                    arguments: [
                        "seed", backupID, "--scheduler", scheduler.adminURL, "--token-file",
                        scheduler.tokenPath, "--timeout", "3m", "--json",
                    ],
                    outputPath: seedLog)
                let exit = await seed.waitForExit()
                let seedOutput = (try? String(contentsOfFile: seedLog, encoding: .utf8)) ?? ""
                #expect(exit == .exited(0), "etcd-mesos-restore seed: \(seedOutput)")
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(60), "3 healthy restored members")
                print("e2e: seed of \(backupID) → 3 healthy members in \(clock.now - started)")
                for url in try await scheduler.runningClientURLs() {
                    #expect(
                        try await countKeys(prefix: "/e2e/kept/", via: url) == 10_000,
                        "kept keys at \(url)")
                    #expect(
                        try await countKeys(prefix: "/e2e/after-snapshot/", via: url) == 0,
                        "later keys at \(url)")
                    let status = try await EtcdClient.withClient(endpoint: url) {
                        try await $0.status()
                    }
                    #expect(status.revision >= Int64(snapshotRevision))
                }
            }
        }
    }

    @Test(
        "a seed of 5 members restores on every member at once; a member killed during the seed is replaced"
    )
    func parallelSeedOfFiveWithAMemberKilled() async throws {
        try await TestMesos.withCluster(agents: 8) { mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-parallel-seed")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"), clusterSize: 5,
                extra: [
                    "-chill=1s", "-backup-dir=\(directory.appending("backups"))",
                    "-backup-interval=0",
                ])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 5, timeout: .seconds(180), "5 healthy members")
                let urls = try await scheduler.runningClientURLs()
                try await writeKeys(1_000, prefix: "/e2e/kept/", via: urls[0])
                let backupID = try await takeBackup(scheduler).id
                try await writeKeys(50, prefix: "/e2e/after-snapshot/", via: urls[0])

                var lost: [LocalAgent] = []
                for url in urls { lost.append(try await agent(runningMemberAt: url, in: mesos)) }
                for agent in lost { await agent.kill() }
                try await eventually(timeout: .seconds(30), "the scheduler to wait for an operator")
                {
                    try await scheduler.stat("awaiting_operator") == 1
                }
                for agent in lost { try await agent.start() }  // the hosts come back, empty

                let clock = ContinuousClock()
                let started = clock.now
                let asked = try await scheduler.post(
                    "/restore", body: Data(#"{"backup": "\#(backupID)"}"#.utf8))
                #expect(asked.status == 202, "\(String(decoding: asked.body, as: UTF8.self))")
                // As soon as the seed's 5 tasks are on record, one of their agents dies.
                var seedHosts: [String] = []
                try await eventually(timeout: .seconds(60), "the seed's 5 launches") {
                    seedHosts = try await scheduler.members().compactMap {
                        ($0["clientURL"] as? String).flatMap { URL(string: $0)?.host }
                    }
                    return seedHosts.count == 5
                }
                for agent in mesos.agents where await agent.configuration.hostname == seedHosts[2] {
                    await agent.kill()
                }
                try await waitForHealthyCluster(
                    scheduler, size: 5, timeout: .seconds(180),
                    "5 healthy members after the seed and the replacement")
                print(
                    "e2e: parallel seed of 5 (one killed) → 5 healthy members in \(clock.now - started)"
                )
                let log = scheduler.logTail(lines: 100_000)
                #expect(log.contains("with 5 of 5 members at once"), "the seed was not parallel")
                let running = try await scheduler.runningClientURLs()
                #expect(!running.contains { URL(string: $0)?.host == seedHosts[2] })
                for url in running {
                    #expect(try await countKeys(prefix: "/e2e/kept/", via: url) == 1_000, "\(url)")
                    #expect(try await countKeys(prefix: "/e2e/after-snapshot/", via: url) == 0)
                }
            }
        }
    }
}

import EtcdClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import ProcessControl
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One scenario's rounds on a cluster of its own: local Mesos in this process, the scheduler as a child
/// process, a writer busy throughout. Each round injects the fault, waits for `N` healthy members, and checks
/// the invariants: every acknowledged write readable (after total loss: exactly those up to the backup), the
/// cluster never beyond its size, no two tasks for one member.
struct FaultScenarioRun {
    let scenario: FaultScenario
    let rounds: Int
    let zooKeeper: ZooKeeperServer
    let directory: String
    let firstAgentAddress: Int
    let binaries: (etcd: String, etcdctl: String)
    let logger: Logger

    private let shared: Shared

    /// What the rounds share with the writer's and the monitor's tasks.
    final class Shared: Sendable {
        /// The acknowledged writes a reader must find; a total loss gives up those after its backup.
        let expected = Mutex<[Int: Int64]>([:])
        /// Invariant breaches the monitor saw during the current round.
        let breaches = Mutex<[String]>([])
        /// How many of the writer's acknowledgements are in `expected` (or were given up by a restore).
        let consumed = Mutex(0)
        let random: Mutex<SplitMix64>

        init(seed: UInt64) { random = Mutex(SplitMix64(seed: seed)) }

        func pick(_ count: Int, of items: [String]) -> [String] {
            random.withLock { random -> [String] in random.pick(count, of: items) }
        }
    }

    init(
        scenario: FaultScenario, rounds: Int, seed: UInt64, zooKeeper: ZooKeeperServer,
        directory: String, firstAgentAddress: Int, binaries: (etcd: String, etcdctl: String),
        logger: Logger
    ) {
        self.scenario = scenario
        self.rounds = rounds
        shared = Shared(seed: seed)
        self.zooKeeper = zooKeeper
        self.directory = directory
        self.firstAgentAddress = firstAgentAddress
        self.binaries = binaries
        self.logger = logger
    }

    func run() async -> FaultScenarioReport {
        var report = FaultScenarioReport(
            scenario: scenario.rawValue, description: scenario.summary, rounds: [],
            writesAcknowledged: 0)
        let agentPorts: [Int]
        do {
            agentPorts = try (0..<scenario.agentCount).map {
                try FreePort.allocate(host: "127.0.0.\(firstAgentAddress + $0)")
            }
        } catch {
            report.setupError = "\(error)"
            return report
        }
        var master = MasterConfiguration(agentReregisterTimeoutSeconds: 10)
        master.heartbeatIntervalSeconds = 15
        let configuration = LocalClusterConfiguration(
            masterCount: scenario.masterCount,
            masterPorts: (0..<scenario.masterCount).map { _ in (try? FreePort.allocate()) ?? 0 },
            agentCount: scenario.agentCount, agentPorts: agentPorts,
            firstAgentAddress: firstAgentAddress, workDirectory: directory + "/mesos", cpus: 2,
            mem: 2048, disk: 4096, ports: [31000...31100], master: master,
            zooKeeper: scenario.masterCount > 1 ? mesosMasters : nil)
        var quiet = logger
        quiet.logLevel = .warning
        let initial = report
        do {
            report = try await LocalCluster.withRunning(configuration, logger: quiet) { mesos in
                try await self.runRounds(on: mesos, into: initial)
            }
        } catch {
            report.setupError = "\(error)"
        }
        return report
    }

    /// Starts the scheduler, runs the rounds, and stops the scheduler on every path out.
    private func runRounds(on mesos: LocalCluster, into initial: FaultScenarioReport)
        async throws -> FaultScenarioReport
    {
        let scheduler = FaultScheduler(
            arguments: schedulerArguments(
                master: scenario.masterCount > 1 ? "\(mesosMasters)" : mesos.url),
            adminPort: try FreePort.allocate(), workDirectory: directory + "/scheduler")
        try await scheduler.start()
        do {
            let report = try await runRounds(on: mesos, scheduler: scheduler, into: initial)
            await scheduler.stop()
            return report
        } catch {
            await scheduler.stop()
            throw error
        }
    }

    private func runRounds(
        on mesos: LocalCluster, scheduler: FaultScheduler, into initial: FaultScenarioReport
    ) async throws -> FaultScenarioReport {
        var report = initial
        let healthy = await waitForHealthy(scheduler, avoiding: [], timeout: .seconds(180))
        guard healthy != nil else {
            throw FaultSuiteError(
                "the first \(scenario.clusterSize) members never became healthy; see \(scheduler.logPath)"
            )
        }
        let writer = AcknowledgedWriter(prefix: "/faults/\(scenario.rawValue)/") {
            await scheduler.runningClientURLs()
        }
        let size = scenario.clusterSize
        let shared = self.shared
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            group.addTask {
                await Self.monitor(scheduler, size: size, shared: shared)
            }
            try await Task.sleep(for: .seconds(2))  // the writer gets going
            for round in 1...rounds where !Task.isCancelled {
                shared.breaches.withLock { $0 = [] }
                let result = await runRound(
                    round, mesos: mesos, scheduler: scheduler, writer: writer)
                report.rounds.append(result)
                let outcome: String = result.passed ? "passed" : "FAILED"
                let time: String =
                    result.secondsToHealthy.map { String(format: " in %.1f s", $0) } ?? ""
                let why: String =
                    result.problems.isEmpty ? "" : ": " + result.problems.joined(separator: "; ")
                logger.notice(
                    "\(scenario.rawValue) round \(round)/\(rounds): \(outcome)\(time)\(why)")
            }
            group.cancelAll()
        }
        report.writesAcknowledged = writer.writes.count
        return report
    }

    /// Where this scenario's masters register and elect their leader, when it runs several.
    private var mesosMasters: ZooKeeperMasterAddress {
        ZooKeeperMasterAddress(
            servers: [zooKeeper.connectString], path: "/faults-\(scenario.rawValue)-mesos")
    }

    private func schedulerArguments(master: String) -> [String] {
        let persistence =
            switch scenario.persistence {
            case .file: "-framework-persist-file=\(directory)/scheduler/state.json"
            case .zooKeeper:
                "-zk-framework-persist=zk://\(zooKeeper.connectString)/faults-\(scenario.rawValue)"
            }
        return [
            "-master=\(master)", "-framework-name=faults-\(scenario.rawValue)",
            "-cluster-size=\(scenario.clusterSize)", persistence,
            "-executor-bin=\((try? FaultBinaries.sibling("etcd-mesos-executor")) ?? "")",
            "-etcd-bin=\(binaries.etcd)", "-etcdctl-bin=\(binaries.etcdctl)", "-address=127.0.0.1",
            "-artifact-port=\((try? FreePort.allocate()) ?? 0)", "-sandbox-cpu-limit=0.2",
            "-sandbox-mem-limit=256", "-sandbox-disk-limit=256", "-chill=1s",
            "-backup-dir=\(directory)/backups", "-backup-interval=0", "-restore-drill-interval=0",
        ] + scenario.schedulerFlags
    }

    // MARK: Rounds

    private func runRound(
        _ round: Int, mesos: LocalCluster, scheduler: FaultScheduler, writer: AcknowledgedWriter
    ) async -> FaultRoundResult {
        var problems: [String] = []
        let started = ContinuousClock.now
        var outcome = Injected()
        do {
            outcome = try await inject(mesos: mesos, scheduler: scheduler, writer: writer)
        } catch {
            problems.append("the fault could not be injected: \(error)")
        }
        let backupRevision = outcome.backupRevision
        let firstWriteAfterBackup = outcome.firstWriteAfterBackup
        // The scheduler must have seen the loss before "healthy" means anything.
        if !outcome.lostHosts.isEmpty {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let hosts = await scheduler.runningClientURLs().compactMap { URL(string: $0)?.host }
                if !hosts.contains(where: outcome.lostHosts.contains) { break }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        if scheduler.hasExited {
            // Disconnected from ZooKeeper beyond its session, the scheduler steps down by exiting (another
            // instance may lead); a supervisor starts it again. Any other exit is a failure.
            if !(scenario == .zooKeeperDown && scheduler.stoppedForLostLeadership) {
                problems.append("the scheduler exited during the fault; started again")
            }
            do { try await scheduler.start() } catch {
                problems.append("the scheduler could not be started again: \(error)")
            }
        }
        let healthyAt = await waitForHealthy(
            scheduler, avoiding: outcome.lostHosts, timeout: .seconds(240))
        let seconds = healthyAt.map { ($0 - started).seconds }
        if healthyAt == nil {
            problems.append("not back to \(scenario.clusterSize) healthy members in 240 s")
        }
        // Hosts whose agent was killed come back empty, for the next rounds.
        for agent in mesos.agents where !(await agent.isServing) { try? await agent.start() }
        var lost = 0
        if healthyAt != nil {
            do {
                lost = try await checkWrites(
                    scheduler: scheduler, writer: writer, backupRevision: backupRevision,
                    firstWriteAfterBackup: firstWriteAfterBackup)
                if lost > 0 { problems.append("\(lost) acknowledged write(s) not found") }
            } catch {
                problems.append("the writes could not be read: \(error)")
            }
            writer.setPaused(false)
            if !(await writerProgresses(writer)) {
                problems.append(
                    "no write was acknowledged in the 30 s after the cluster was healthy")
            }
        }
        problems += shared.breaches.withLock { $0 }
        return FaultRoundResult(
            round: round, passed: problems.isEmpty, secondsToHealthy: seconds, writesLost: lost,
            problems: problems)
    }

    /// What an injected fault left to wait for.
    struct Injected {
        /// The backup's revision, for a total loss.
        var backupRevision: Int64?
        /// The first write index issued after the backup was complete: no write from there on may be restored.
        var firstWriteAfterBackup: Int?
        /// Hosts whose agent was killed: no member may run there when the round is healthy again.
        var lostHosts: [String] = []
    }

    /// Injects this scenario's fault.
    private func inject(
        mesos: LocalCluster, scheduler: FaultScheduler, writer: AcknowledgedWriter
    ) async throws -> Injected {
        let members = await scheduler.runningClientURLs()
        var injected = Injected()
        switch scenario {
        case .killOneOfThree, .killTwoOfFive, .reseed:
            let victims = shared.pick(scenario == .killOneOfThree ? 1 : 2, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
        case .agentRestart:
            for agent in try await agents(running: shared.pick(1, of: members), in: mesos) {
                try await agent.restart()
            }
        case .agentPause:
            let agent = try await agents(running: shared.pick(1, of: members), in: mesos)[0]
            let pids = await agent.runningExecutors.compactMap(\.pid).flatMap(
                ProcessTreeSnapshot.selfAndDescendants)
            for pid in pids { kill(pid, SIGSTOP) }
            try await Task.sleep(for: .seconds(30))
            for pid in pids { kill(pid, SIGCONT) }
        case .schedulerRestartFile, .schedulerRestartZooKeeper:
            await scheduler.crash()
            try await scheduler.start()
        case .zooKeeperDown:
            await zooKeeper.stop()
            try await Task.sleep(for: .seconds(30))
            try await zooKeeper.start()
        case .backupDuringReplacement:
            let victims = shared.pick(1, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
            let taken = try await scheduler.post("/backups")
            guard taken.status == 201 else {
                throw FaultSuiteError(
                    "POST /backups during the replacement answered \(taken.status): "
                        + String(decoding: taken.body, as: UTF8.self))
            }
        case .masterRestart:
            guard let leading = mesos.masters.firstIndex(where: \.isLeading) else {
                throw FaultSuiteError("no local Mesos master leads")
            }
            try await mesos.restartMaster(leading, after: .seconds(2))
            try await waitForSubscription(to: mesos, timeout: .seconds(60))
            // The scheduler works through the new leader: a lost member is replaced with its offers.
            let victims = shared.pick(1, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
        case .totalLoss:
            let taken = try await scheduler.post("/backups")
            guard taken.status == 201,
                let manifest = try JSONSerialization.jsonObject(with: taken.body) as? [String: Any],
                let id = manifest["id"] as? String, let revision = manifest["revision"] as? Int
            else {
                throw FaultSuiteError(
                    "POST /backups answered \(taken.status): "
                        + String(decoding: taken.body, as: UTF8.self))
            }
            // The writer issues one write at a time: the one after the next was issued after the backup ended.
            injected.firstWriteAfterBackup = (writer.writes.last?.index ?? -1) + 2
            try await Task.sleep(for: .seconds(1))  // writes after the backup, which the restore gives up
            writer.setPaused(true)
            for agent in try await agents(running: members, in: mesos) { await agent.kill() }
            let deadline = ContinuousClock.now + .seconds(60)
            while await scheduler.stat("awaiting_operator") != 1 {
                guard ContinuousClock.now < deadline else {
                    throw FaultSuiteError("the scheduler did not wait for an operator within 60 s")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            for agent in mesos.agents where !(await agent.isServing) { try await agent.start() }
            let asked = try await scheduler.post(
                "/restore", body: Data(#"{"backup": "\#(id)"}"#.utf8))
            guard asked.status == 202 else {
                throw FaultSuiteError(
                    "POST /restore answered \(asked.status): "
                        + String(decoding: asked.body, as: UTF8.self))
            }
            injected.backupRevision = Int64(revision)
        }
        return injected
    }

    /// Waits until the scheduler's framework is subscribed through the master that leads now.
    private func waitForSubscription(to mesos: LocalCluster, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let leader = mesos.leader {
                let frameworks = await leader.master.snapshot.frameworks.values
                if frameworks.contains(where: {
                    $0.streamID.map(leader.leadership.hasOpened) ?? false
                }) {
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FaultSuiteError(
            "the scheduler did not subscribe with the new leading master within \(timeout)")
    }

    private func agents(running clientURLs: [String], in mesos: LocalCluster) async throws
        -> [LocalAgent]
    {
        var found: [LocalAgent] = []
        for url in clientURLs {
            let host = URL(string: url)?.host
            for agent in mesos.agents where await agent.configuration.hostname == host {
                found.append(agent)
            }
        }
        guard found.count == clientURLs.count else {
            throw FaultSuiteError("no agent runs some of the members \(clientURLs)")
        }
        return found
    }

    // MARK: Invariants

    /// Waits until the scheduler reports `N` running members and a healthy cluster and etcd agrees (`N`
    /// started voters); the instant it did.
    private func waitForHealthy(
        _ scheduler: FaultScheduler, avoiding lostHosts: [String], timeout: Duration
    ) async -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        var logger = Logger(label: "fault-probe")
        logger.logLevel = .critical
        while ContinuousClock.now < deadline {
            if let stats = try? await scheduler.stats(),
                stats["running_servers"] as? Int == scenario.clusterSize,
                stats["healthy"] as? Int == 1,
                case let urls = await scheduler.runningClientURLs(),
                !urls.contains(where: { lostHosts.contains(URL(string: $0)?.host ?? "") }),
                let first = urls.first,
                let list = try? await EtcdClient.withClient(
                    endpoint: first, callTimeout: .seconds(2), logger: logger,
                    { try await $0.memberList() }),
                list.count == scenario.clusterSize,
                list.allSatisfy({ !$0.isLearner && !$0.name.isEmpty })
            {
                return .now
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// Reads every key of the writer's prefix (linearizable) and counts the expected acknowledged writes it
    /// lacks. After a total loss, the writes after the backup are given up (none of them may be there).
    private func checkWrites(
        scheduler: FaultScheduler, writer: AcknowledgedWriter, backupRevision: Int64?,
        firstWriteAfterBackup: Int?
    ) async throws -> Int {
        let acknowledged = writer.writes
        let fresh = shared.consumed.withLock { consumed in
            defer { consumed = acknowledged.count }
            return acknowledged.dropFirst(consumed)
        }
        shared.expected.withLock { expected in
            for write in fresh { expected[write.index] = write.revision }
        }
        var logger = Logger(label: "fault-reader")
        logger.logLevel = .critical
        // A read may meet a leader change right after the cluster is healthy again: retried for 30 s.
        var present: [EtcdKeyValue] = []
        var served: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                guard let endpoint = await scheduler.runningClientURLs().first else {
                    throw FaultSuiteError("no running member to read from")
                }
                (present, _, served) = try await EtcdClient.withClient(
                    endpoint: endpoint, callTimeout: .seconds(20), logger: logger
                ) { client in
                    try await client.range(prefix: writer.prefix)
                }
                break
            } catch {
                if ContinuousClock.now >= deadline { throw error }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let found = Dictionary(
            present.map { (String(decoding: $0.key, as: UTF8.self), $0.modRevision) },
            uniquingKeysWith: { first, _ in first })
        var lost = 0
        try shared.expected.withLock { expected throws in
            if let backupRevision {
                // The restore brings back the snapshot: the cluster (the writer paused) serves its revision,
                // which is at least the manifest's (the member's revision when the snapshot began; writes in
                // its first moments may be in it). Every acknowledged write up to it must be there, none after.
                guard served >= backupRevision else {
                    throw FaultSuiteError(
                        "the restored cluster serves revision \(served), below the backup's \(backupRevision)"
                    )
                }
                for (index, revision) in expected where revision > served {
                    expected[index] = nil
                }
                if let firstWriteAfterBackup,
                    let restored = found.keys.compactMap({ Int($0.dropFirst(writer.prefix.count)) })
                        .first(
                            where: { $0 >= firstWriteAfterBackup })
                {
                    throw FaultSuiteError(
                        "\(writer.key(restored)), issued after the backup was complete, is there after the restore"
                    )
                }
            }
            lost = expected.keys.filter { found[writer.key($0)] == nil }.count
        }
        return lost
    }

    private func writerProgresses(_ writer: AcknowledgedWriter) async -> Bool {
        let before = writer.writes.count
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if writer.writes.count >= before + 10 { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Samples `/members` twice a second: never more running tasks than members, never two tasks of one name.
    private static func monitor(_ scheduler: FaultScheduler, size: Int, shared: Shared) async {
        while !Task.isCancelled {
            if let members = try? await scheduler.members() {
                let running = members.filter { $0["state"] as? String == "running" }
                let names = members.compactMap { $0["name"] as? String }
                var seen: [String] = []
                if running.count > size {
                    seen.append("\(running.count) running tasks for \(size) members")
                }
                if Set(names).count != names.count {
                    seen.append("two tasks for one member: \(names.sorted())")
                }
                if !seen.isEmpty {
                    shared.breaches.withLock { list in
                        for breach in seen where !list.contains(breach) { list.append(breach) }
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// Processes under a pid, from `/proc`.
enum ProcessTreeSnapshot {
    static func selfAndDescendants(_ root: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) {
                parents[parent, default: []].append(pid)
            }
        }
        var result: [Int32] = []
        var queue = [root]
        while let pid = queue.popLast() {
            result.append(pid)
            queue += parents[pid] ?? []
        }
        return result
    }
}

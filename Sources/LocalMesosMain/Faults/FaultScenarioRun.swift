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

    let shared: Shared

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
            "-executor-bin=\((try? BuildProducts.executable("etcd-mesos-executor")) ?? "")",
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
}

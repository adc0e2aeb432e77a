import ArgumentParser
import EtcdMesosTesting
import Foundation
import Logging
import ProcessControl
import Synchronization
import UnixSignals

/// `etcd-mesos-local faults`: the fault suite (a benchmark-like tool, not a test).
struct FaultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Run failure scenarios in rounds under write load and print a table of figures.",
        discussion: """
            Starts ZooKeeper, then for each scenario local Mesos (in this process) and the real scheduler \
            (etcd-mesos-scheduler beside this binary) with a writer that writes sequential keys through the whole \
            run and records every acknowledged write. Each round injects the fault, waits for N healthy members \
            and checks: every acknowledged write readable (after total loss exactly those up to the backup's \
            revision), never more running tasks than members, no two tasks for one member, writes acknowledged \
            again. Everything it started is stopped, and its directory removed, whatever happens.

            Scenarios: \(FaultScenario.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @Option(help: "Rounds per scenario (default: each scenario's full-run count).") var rounds: Int?
    @Option(
        help: "Scenarios to run, comma-separated (default: all; 'smoke' for CI's cheap ones).")
    var scenario: String?
    @Option(help: "Seed for the random choices (which members fail).") var seed: UInt64 = 1
    @Flag(help: "Print the results as JSON.") var json = false
    @Option(help: "etcd binary for the members.") var etcdBin = "/usr/bin/etcd"
    @Option(help: "etcdctl binary.") var etcdctlBin = "/usr/bin/etcdctl"
    @Option(help: "Where to keep the run's files (default: a new temp dir, removed afterwards).")
    var workDir: String?
    @Option(
        help:
            "Last octet of the first agent's loopback address; each scenario's agents use the 8 from there."
    )
    var firstAgentAddress = 200

    func validate() throws {
        _ = try scenarios()
        if let rounds, rounds < 1 { throw ValidationError("--rounds wants at least 1") }
        guard (2...247).contains(firstAgentAddress) else {
            throw ValidationError("--first-agent-address wants 2…247 (8 addresses from there)")
        }
    }

    func scenarios() throws -> [FaultScenario] {
        guard let scenario else { return FaultScenario.allCases }
        if scenario == "smoke" { return FaultScenario.smoke }
        return try scenario.split(separator: ",").map { name in
            guard let found = FaultScenario(rawValue: String(name)) else {
                throw ValidationError(
                    "unknown scenario '\(name)'; known: "
                        + FaultScenario.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return found
        }
    }

    func run() async throws {
        BrokenPipes.ignore()
        var configured = Logger(label: "faults")
        configured.logLevel = .notice
        let logger = configured
        let chosen = try scenarios()
        let directory = try TemporaryDirectory(prefix: "etcd-mesos-faults")
        defer { directory.remove() }
        let root = workDir ?? directory.path
        let started = ContinuousClock.now
        // SIGINT/SIGTERM cancel the run; every scenario then stops its scheduler and cluster on the way out.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let (chosenRounds, seed, firstAgentAddress) = (rounds, seed, firstAgentAddress)
        let binaries = (etcd: etcdBin, etcdctl: etcdctlBin)
        // SIGINT/SIGTERM: everything the run started (ZooKeeper, the scheduler, executors, members) is killed
        // and its directory removed before the process exits.
        let zooKeeperBox = ZooKeeperBox()
        let signalWatch = Task {
            for await _ in signals {
                logger.notice("stopping: killing what the run started")
                for pid in Self.processes(under: root) { kill(pid, SIGKILL) }
                if let zooKeeper = zooKeeperBox.server.withLock({ $0 }) {
                    await zooKeeper.stopAndRemove()
                }
                try? FileManager.default.removeItem(atPath: root)
                Foundation.exit(130)
            }
        }
        defer { signalWatch.cancel() }
        let reports = try await Self.runScenarios(
            chosen, rounds: chosenRounds, seed: seed, root: root,
            firstAgentAddress: firstAgentAddress,
            binaries: binaries, zooKeeperBox: zooKeeperBox, logger: logger)
        let leftovers = Self.processes(under: root, program: "etcd")
        for pid in leftovers { kill(pid, SIGKILL) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let document = FaultRunDocument(
                seed: seed, seconds: (ContinuousClock.now - started).seconds, scenarios: reports,
                leftoverProcesses: leftovers.count)
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else {
            print(FaultTable.render(reports))
            for report in reports {
                if let error = report.setupError {
                    print("\(report.scenario): setup failed: \(error)")
                }
                for round in report.rounds where !round.passed {
                    print(
                        "\(report.scenario) round \(round.round) failed (reproduce: --scenario "
                            + "\(report.scenario) --seed \(seed)): \(round.problems.joined(separator: "; "))"
                    )
                }
            }
            print(
                "seed \(seed), \(Int((ContinuousClock.now - started).seconds)) s; processes left over: "
                    + "\(leftovers.count)")
        }
        let failed = reports.contains { $0.setupError != nil || $0.passed < $0.rounds.count }
        if failed || !leftovers.isEmpty { throw ExitCode(1) }
    }

    static func runScenarios(
        _ chosen: [FaultScenario], rounds: Int?, seed: UInt64, root: String, firstAgentAddress: Int,
        binaries: (etcd: String, etcdctl: String), zooKeeperBox: ZooKeeperBox, logger: Logger
    ) async throws -> [FaultScenarioReport] {
        try await withZooKeeperServer { zooKeeper in
            zooKeeperBox.server.withLock { $0 = zooKeeper }
            defer { zooKeeperBox.server.withLock { $0 = nil } }
            var reports: [FaultScenarioReport] = []
            for (index, scenario) in chosen.enumerated() where !Task.isCancelled {
                logger.notice("scenario \(scenario.rawValue): \(scenario.summary)")
                let run = FaultScenarioRun(
                    scenario: scenario, rounds: rounds ?? scenario.defaultRounds,
                    seed: seed &+ UInt64(index), zooKeeper: zooKeeper,
                    directory: root + "/" + scenario.rawValue,
                    firstAgentAddress: firstAgentAddress, binaries: binaries, logger: logger)
                reports.append(await run.run())
            }
            return reports
        }
    }

    /// Every process (but this one) working under `root` or naming it: the scheduler, executors, members;
    /// with `program`, only those running that program (`etcd`: the members this run started).
    static func processes(under root: String, program: String? = nil) -> [Int32] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if let program,
                (arguments.first.map { ($0 as NSString).lastPathComponent }) != program
            {
                return nil
            }
            let directory =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"))
                ?? ""
            return directory.hasPrefix(root) || arguments.contains { $0.contains(root) } ? pid : nil
        }
    }
}

/// The run's ZooKeeper, for the signal handler.
final class ZooKeeperBox: Sendable {
    let server = Mutex<ZooKeeperServer?>(nil)
}

struct FaultRunDocument: Encodable {
    var seed: UInt64
    var seconds: Double
    var scenarios: [FaultScenarioReport]
    var leftoverProcesses: Int

    enum CodingKeys: String, CodingKey {
        case seed, seconds, scenarios
        case leftoverProcesses = "leftover_processes"
    }
}

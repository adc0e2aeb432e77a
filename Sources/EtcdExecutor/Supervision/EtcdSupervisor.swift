import EtcdClient
import Foundation
import Logging
import ProcessControl
import Synchronization

/// Runs one etcd member: carries out what `EtcdSupervision` decides, with real processes, timers and status
/// probes, and takes stop and reseed requests from other tasks.
public final class EtcdSupervisor: Sendable {
    /// How to start etcd and where it answers.
    public struct Launch: Sendable {
        public var binary: String
        public var commandLine: EtcdCommandLine
        public var workingDirectory: String
        public var logPath: String

        public init(binary: String, commandLine: EtcdCommandLine, workingDirectory: String, logPath: String) {
            self.binary = binary
            self.commandLine = commandLine
            self.workingDirectory = workingDirectory
            self.logPath = logPath
        }

        var clientURL: String { commandLine.task.member.clientURL }
    }

    private let launch: Launch
    private let decisions: EtcdSupervision
    private let logger: Logger
    private let inputs: AsyncStream<EtcdSupervision.Input>
    private let input: AsyncStream<EtcdSupervision.Input>.Continuation

    private struct Waiters {
        var nextID = 0
        var reseeds: [Int: CheckedContinuation<ReseedOutcome, Never>] = [:]
        var finished = false
    }
    private let waiters = Mutex(Waiters())

    public init(launch: Launch, decisions: EtcdSupervision, logger: Logger) {
        self.launch = launch
        self.decisions = decisions
        self.logger = logger
        (inputs, input) = AsyncStream.makeStream(of: EtcdSupervision.Input.self)
    }

    /// Starts etcd and keeps it running until `stop` or until it cannot be kept running; returns how it
    /// ended. `onRunning` is called once, when etcd first answers its status. Call at most once.
    public func run(onRunning: @escaping @Sendable () -> Void) async -> EtcdSupervision.Outcome {
        var machine = decisions
        var processes: [Int: ChildProcess] = [:]
        let input = input
        let outcome = await withTaskGroup(of: Void.self, returning: EtcdSupervision.Outcome.self) { group in
            input.yield(.start(at: .now))
            for await next in inputs {
                if case .exited(let generation, _, _) = next { processes[generation] = nil }
                for action in machine.handle(next) {
                    switch action {
                    case .launch(let generation, let forceNewCluster):
                        if let child = start(generation, forceNewCluster: forceNewCluster) {
                            processes[generation] = child
                            group.addTask { await Self.watch(child, generation: generation, input: input) }
                        }
                    case .probe(let generation, let untilLeadingItself):
                        guard let child = processes[generation] else { continue }
                        let clientURL = launch.clientURL
                        group.addTask {
                            if await Self.probe(clientURL, while: child, untilLeadingItself: untilLeadingItself) {
                                input.yield(.answered(generation: generation))
                            }
                        }
                    case .terminate(let generation, let gracePeriod):
                        guard let child = processes[generation] else { continue }
                        logger.info(
                            "terminating etcd (SIGTERM, SIGKILL after the grace period)",
                            metadata: ["pid": "\(child.pid)", "grace": "\(gracePeriod)"])
                        group.addTask { await child.terminate(gracePeriod: gracePeriod) }
                    case .scheduleRestart(let generation, let delay):
                        logger.warning("restarting etcd", metadata: ["after": "\(delay)"])
                        group.addTask {
                            guard (try? await Task.sleep(for: delay)) != nil else { return }
                            input.yield(.restartDue(generation: generation))
                        }
                    case .reportRunning:
                        onRunning()
                    case .answerReseed(let id, let outcome):
                        logger.info("reseed answered", metadata: ["outcome": "\(outcome)"])
                        waiters.withLock { $0.reseeds.removeValue(forKey: id) }?.resume(returning: outcome)
                    case .scheduleReseedTimeout(let id, let delay):
                        group.addTask {
                            guard (try? await Task.sleep(for: delay)) != nil else { return }
                            input.yield(.reseedTimedOut(id: id))
                        }
                    case .finish(let outcome):
                        group.cancelAll()
                        return outcome
                    }
                }
            }
            group.cancelAll()
            return .stopped
        }
        input.finish()
        // The machine finishes only once etcd has exited; this is a last guard against an orphan.
        for child in processes.values where child.exitStatus == nil { child.signal(SIGKILL) }
        let pending = waiters.withLock { waiters in
            waiters.finished = true
            defer { waiters.reseeds = [:] }
            return waiters.reseeds.values
        }
        for waiter in pending { waiter.resume(returning: .unavailable("etcd is no longer supervised")) }
        return outcome
    }

    /// Stops etcd: SIGTERM, SIGKILL after `gracePeriod`; `run` then returns `.stopped`.
    public func stop(gracePeriod: Duration) {
        input.yield(.stopRequested(gracePeriod: gracePeriod))
    }

    /// Restarts etcd once with `--force-new-cluster` on its data dir and returns when it leads its cluster of
    /// one, or why not.
    public func reseed() async -> ReseedOutcome {
        await withCheckedContinuation { continuation in
            let id: Int? = waiters.withLock { waiters in
                guard !waiters.finished else { return nil }
                waiters.nextID += 1
                waiters.reseeds[waiters.nextID] = continuation
                return waiters.nextID
            }
            guard let id else {
                continuation.resume(returning: .unavailable("etcd is no longer supervised"))
                return
            }
            input.yield(.reseedRequested(id: id, at: .now))
        }
    }

    /// Starts etcd; a failure to start counts as an exit.
    private func start(_ generation: Int, forceNewCluster: Bool) -> ChildProcess? {
        let arguments = launch.commandLine.arguments(forceNewCluster: forceNewCluster)
        do {
            let child = try ChildProcess.launch(
                executable: launch.binary, arguments: arguments, environment: Self.etcdEnvironment(),
                workingDirectory: launch.workingDirectory, outputPath: launch.logPath)
            logger.info(
                "started etcd",
                metadata: ["pid": "\(child.pid)", "command": "\(launch.binary) \(arguments.joined(separator: " "))"])
            return child
        } catch {
            logger.error("etcd could not be started", metadata: ["error": "\(error)"])
            input.yield(.exited(generation: generation, status: "could not be started: \(error)", at: .now))
            return nil
        }
    }

    /// Feeds the exit of `child` as an input; returns early only when cancelled.
    private static func watch(
        _ child: ChildProcess, generation: Int, input: AsyncStream<EtcdSupervision.Input>.Continuation
    ) async {
        while !Task.isCancelled {
            if let status = await child.waitForExit(timeout: .seconds(3600)) {
                input.yield(.exited(generation: generation, status: status.description, at: .now))
                return
            }
        }
    }

    /// Polls etcd's status at `clientURL` while `child` runs; true once it answers (and leads itself, when
    /// asked: a member that has just forced a new cluster elects itself).
    private static func probe(_ clientURL: String, while child: ChildProcess, untilLeadingItself: Bool) async -> Bool {
        let answered = try? await EtcdClient.withClient(endpoint: clientURL, callTimeout: .seconds(2)) { client in
            while child.exitStatus == nil {
                if let status = try? await client.status(), !untilLeadingItself || status.isLeader { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        return answered ?? false
    }

    /// The executor's environment without `ETCD_*` variables, which etcd would read as flags.
    private static func etcdEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_") }
    }
}

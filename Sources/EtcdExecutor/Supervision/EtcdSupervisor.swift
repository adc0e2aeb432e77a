import EtcdClient
import Foundation
import Logging
import ProcessControl
import ServiceLifecycle
import TaskContract

/// etcd's processes under the executor, as a service of its group: carries out the
/// `EtcdProcessCommand`s of the executor's state machine (which takes them from `EtcdSupervision`)
/// — starts etcd, probes its status, terminates it, runs the restart and reseed timers — and
/// reports each exit, answer and timer as an `EtcdProcessEvent`.
///
/// Every etcd process and every task around one (exit watcher, probe, timer) belongs to this
/// service. The group shuts it down after the run loop has finished, when etcd has normally exited
/// already; one still running then is terminated, so that etcd never outlives the executor.
final class EtcdSupervisor: Service {
    /// How etcd runs, whatever the member.
    struct Launch: Sendable {
        var binary: String
        var workingDirectory: String
        var logPath: String
        var dataDirectory: String
    }

    /// An etcd process and the URL its status is probed at.
    private struct Running {
        var child: ChildProcess
        var clientURL: String
    }

    /// The grace period of a process still running when the service stops.
    private static let leftoverGracePeriod = Duration.seconds(2)

    private let launch: Launch
    private let logger: Logger
    private let report: @Sendable (EtcdProcessEvent) -> Void
    private let commands: AsyncStream<EtcdProcessCommand>
    private let input: AsyncStream<EtcdProcessCommand>.Continuation

    /// `report` takes what happened to the processes (it feeds the run loop).
    init(launch: Launch, logger: Logger, report: @escaping @Sendable (EtcdProcessEvent) -> Void) {
        self.launch = launch
        self.logger = logger
        self.report = report
        (commands, input) = AsyncStream.makeStream(of: EtcdProcessCommand.self)
    }

    /// Queues `command`; commands are carried out in order.
    func perform(_ command: EtcdProcessCommand) {
        input.yield(command)
    }

    func run() async {
        var processes: [Int: Running] = [:]
        let input = input
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await command in commands {
                    carryOut(command, processes: &processes, group: &group)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            input.finish()
        }
        for running in processes.values where running.child.exitStatus == nil {
            logger.warning(
                "etcd still runs as the executor stops: terminating it",
                metadata: ["pid": "\(running.child.pid)"])
            await running.child.terminate(gracePeriod: Self.leftoverGracePeriod)
        }
    }

    private func carryOut(
        _ command: EtcdProcessCommand, processes: inout [Int: Running],
        group: inout DiscardingTaskGroup
    ) {
        let report = report
        switch command {
        case .launch(let generation, let member, let forceNewCluster):
            processes = processes.filter { $0.value.child.exitStatus == nil }
            guard let child = start(generation, member, forceNewCluster: forceNewCluster) else {
                return
            }
            processes[generation] = Running(child: child, clientURL: member.member.clientURL)
            group.addTask { await Self.watch(child, generation: generation, report: report) }
        case .probe(let generation, let untilLeadingItself):
            guard let running = processes[generation] else { return }
            group.addTask {
                let answered = await Self.probe(
                    running.clientURL, while: running.child, untilLeadingItself: untilLeadingItself)
                if answered { report(.answered(generation: generation)) }
            }
        case .terminate(let generation, let gracePeriod):
            guard let running = processes[generation] else { return }
            logger.info(
                "terminating etcd (SIGTERM, SIGKILL after the grace period)",
                metadata: ["pid": "\(running.child.pid)", "grace": "\(gracePeriod)"])
            group.addTask { await running.child.terminate(gracePeriod: gracePeriod) }
        case .scheduleRestart(let generation, let delay):
            logger.warning("restarting etcd", metadata: ["after": "\(delay)"])
            group.addTask {
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                report(.restartDue(generation: generation))
            }
        case .scheduleReseedTimeout(let id, let delay):
            group.addTask {
                guard (try? await Task.sleep(for: delay)) != nil else { return }
                report(.reseedTimedOut(id: id))
            }
        }
    }

    /// Starts etcd; a failure to start is reported as an exit.
    private func start(
        _ generation: Int, _ member: EtcdTaskData, forceNewCluster: Bool
    ) -> ChildProcess? {
        let commandLine = EtcdCommandLine(
            task: member, dataDirectory: launch.dataDirectory,
            listenHost: ListenAddress.resolve(member.member.host))
        let arguments = commandLine.arguments(forceNewCluster: forceNewCluster)
        do {
            let child = try ChildProcess.launch(
                executable: launch.binary, arguments: arguments,
                environment: Self.etcdEnvironment(),
                workingDirectory: launch.workingDirectory, outputPath: launch.logPath)
            let command = "\(launch.binary) \(arguments.joined(separator: " "))"
            logger.info("started etcd", metadata: ["pid": "\(child.pid)", "command": "\(command)"])
            return child
        } catch {
            logger.error("etcd could not be started", metadata: ["error": "\(error)"])
            report(.exited(generation: generation, status: "could not be started: \(error)"))
            return nil
        }
    }

    /// Reports the exit of `child`; returns early only when cancelled.
    private static func watch(
        _ child: ChildProcess, generation: Int, report: @Sendable (EtcdProcessEvent) -> Void
    ) async {
        while !Task.isCancelled {
            if let status = await child.waitForExit(timeout: .seconds(3600)) {
                report(.exited(generation: generation, status: status.description))
                return
            }
        }
    }

    /// Polls etcd's status at `clientURL` while `child` runs; true once it answers (and leads
    /// itself, when asked: a member that has just forced a new cluster elects itself).
    private static func probe(
        _ clientURL: String, while child: ChildProcess, untilLeadingItself: Bool
    ) async -> Bool {
        let answered = try? await EtcdClient.withClient(
            endpoint: clientURL, callTimeout: .seconds(2)
        ) {
            client in
            while child.exitStatus == nil {
                if let status = try? await client.status(), !untilLeadingItself || status.isLeader {
                    return true
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        return answered ?? false
    }

    /// The executor's environment without `ETCD_*` variables, which etcd would read as flags.
    private static func etcdEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_")
        }
    }
}

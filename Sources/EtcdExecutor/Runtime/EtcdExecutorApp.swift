import Logging
import ServiceLifecycle

/// The executor's composition root: builds its services and runs them in one `ServiceGroup`, which
/// shuts them down gracefully on SIGTERM and SIGINT.
///
/// The services, in start order (the group stops them in reverse): the agent subscription, etcd's
/// supervisor, the reseed listener, and the run loop. The run loop is the one that decides: the
/// group ends when it does, and a SIGTERM reaches it first, so that etcd is stopped (SIGTERM to its
/// process group, SIGKILL after the grace period) and TASK_KILLED reported before anything else
/// stops.
public struct EtcdExecutorApp: Sendable {
    public let settings: EtcdExecutorSettings
    public let logger: Logger

    public init(settings: EtcdExecutorSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the task has ended or the agent is lost for good; returns the process exit code
    /// (0 after a kill or shutdown, 1 after a failure).
    public func run() async -> Int32 {
        let mailbox = RuntimeMailbox()
        let subscription = AgentSubscription(
            environment: settings.mesos, logger: logger, deliver: { mailbox.send($0) })
        let supervisor = EtcdSupervisor(
            launch: .init(
                binary: settings.etcdBinary, workingDirectory: settings.mesos.sandbox,
                logPath: settings.etcdLogPath, dataDirectory: settings.dataDirectory),
            logger: logger, report: { mailbox.send(.etcd($0)) })
        let reseeds = ReseedRequests { mailbox.send(.reseedRequested(id: $0)) }
        let listener = ReseedListener(requests: reseeds, logger: logger)
        let runtime = EtcdExecutorRuntime(
            settings: settings,
            parts: .init(
                mailbox: mailbox, supervisor: supervisor, listener: listener, reseeds: reseeds),
            logger: logger)
        // The helpers report their failures to the run loop and end only when the group shuts them
        // down.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: subscription, successTerminationBehavior: .ignore),
                    .init(service: supervisor, successTerminationBehavior: .ignore),
                    .init(service: listener, successTerminationBehavior: .ignore),
                    .init(service: runtime, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("the executor's services failed", metadata: ["error": "\(error)"])
            return 1
        }
        return runtime.exitCode
    }
}

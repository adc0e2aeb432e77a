import Logging
import MesosAPI
import ServiceLifecycle

/// The executor's subscription to its Mesos agent, as a service of its group: subscribes, hands the
/// client and every event to the run loop, and says when the agent is lost. The group shuts it down
/// last, after the run loop has had its final update acknowledged.
struct AgentSubscription: Service {
    let environment: MesosExecutorEnvironment
    let logger: Logger
    /// Takes `.connected`, `.event` and `.subscriptionEnded` (it feeds the run loop).
    let deliver: @Sendable (RuntimeInput) -> Void

    func run() async {
        let (environment, logger, deliver) = (environment, logger, deliver)
        await cancelWhenGracefulShutdown {
            await Self.subscribe(environment: environment, logger: logger, deliver: deliver)
        }
        // A service that ends while the group shuts another one down makes the group cancel them
        // all, etcd's supervisor included: a lost agent must not do that.
        try? await gracefulShutdown()
    }

    /// Forwards the client and its events until the agent is lost or the task is cancelled.
    private static func subscribe(
        environment: MesosExecutorEnvironment, logger: Logger,
        deliver: @Sendable (RuntimeInput) -> Void
    ) async {
        do {
            try await ExecutorClient.withSubscription(environment: environment, logger: logger) {
                client in
                deliver(.connected(client))
                do {
                    for try await event in client.events { deliver(.event(event)) }
                    deliver(.subscriptionEnded(reason: nil))
                } catch {
                    deliver(.subscriptionEnded(reason: "\(error)"))
                }
            }
        } catch {
            deliver(.subscriptionEnded(reason: "cannot subscribe to the Mesos agent: \(error)"))
        }
    }
}

import Foundation
import Logging
import Reconciler
import ServiceLifecycle
import Support

/// Runs the reconciler: every event (Mesos, etcd probes, results of etcd calls, the 1 s tick, operator
/// requests) goes through one queue and is handled in order; the actions each produces are carried out
/// before the next event is handled, so `persist` always lands before the launch that follows it.
///
/// Slow work an action starts (etcd membership calls, reseed orders) runs as a child task of the core's
/// `TaskOwner` and comes back as an event; Mesos calls and persistence are awaited in line, with their own
/// timeouts. The core is the first service of the scheduler's group, so it is the last to stop.
actor SchedulerCore: Service {
    private struct Envelope: Sendable {
        var event: ClusterEvent
        var reply: CheckedContinuation<[ClusterAction], Never>?
    }

    private var reconciler: ClusterReconciler
    private let actions: any ClusterActionPerformer
    private let origin = ContinuousClock.now
    private let queue: AsyncStream<Envelope>
    private let queueInput: AsyncStream<Envelope>.Continuation
    private let sideWork = TaskOwner()
    private let logger: Logger

    init(reconciler: ClusterReconciler, actions: any ClusterActionPerformer, logger: Logger) {
        self.reconciler = reconciler
        self.actions = actions
        self.logger = logger
        (queue, queueInput) = AsyncStream.makeStream(of: Envelope.self)
    }

    /// Queues `event`; it is handled after those queued before it.
    nonisolated func submit(_ event: ClusterEvent) {
        queueInput.yield(Envelope(event: event, reply: nil))
    }

    /// Queues `event` and returns the actions it produced, once they have been carried out. After the core
    /// stopped the answer is empty.
    func request(_ event: ClusterEvent) async -> [ClusterAction] {
        await withCheckedContinuation { continuation in
            if case .terminated = queueInput.yield(Envelope(event: event, reply: continuation)) {
                continuation.resume(returning: [])
            }
        }
    }

    /// Handles events until graceful shutdown or cancellation; then cancels the side work still running.
    func run() async {
        let input = queueInput
        let sideWork = self.sideWork
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await sideWork.run() }
                await withTaskCancellationHandler {
                    for await envelope in queue {
                        let performed = await handle(envelope.event)
                        envelope.reply?.resume(returning: performed)
                    }
                } onCancel: {
                    input.finish()
                }
                sideWork.finish()
            }
        } onGracefulShutdown: {
            input.finish()
        }
    }

    private func handle(_ event: ClusterEvent) async -> [ClusterAction] {
        let now = ReconcilerInstant(ContinuousClock.now, origin: origin)
        let produced = reconciler.handle(event, now: now)
        for action in produced {
            await actions.perform(action, context: context)
        }
        return produced
    }

    /// What an action performer may use besides the action: where to start side work and send its result.
    private var context: ActionContext {
        let input = queueInput
        let sideWork = self.sideWork
        return ActionContext { work in
            sideWork.start {
                if let event = await work() { input.yield(Envelope(event: event, reply: nil)) }
            }
        }
    }

    // What the admin API and the adapters read.
    var stats: ClusterStats { reconciler.stats }
    var members: [ClusterMember] { reconciler.members }
    var phase: ClusterPhase { reconciler.phase }
    var persistedState: PersistedClusterState { reconciler.persistedState }
    var configuration: ReconcilerConfiguration { reconciler.configuration }
    func restoreDecision(for backupID: String) -> RestoreDecision {
        reconciler.restoreDecision(for: backupID)
    }
    func recoveryPlan(newestBackup: RecoveryPlan.Backup?) -> RecoveryPlan {
        reconciler.recoveryPlan(
            newestBackup: newestBackup, now: ReconcilerInstant(ContinuousClock.now, origin: origin))
    }
}

/// What the core gives an action performer besides the action.
struct ActionContext: Sendable {
    /// Starts work owned by the core whose result, if any, is queued as the next events.
    var startSideWork: @Sendable (@escaping @Sendable () async -> ClusterEvent?) -> Void
}

/// Carries out the reconciler's actions (the adapters behind it do the I/O).
protocol ClusterActionPerformer: Sendable {
    func perform(_ action: ClusterAction, context: ActionContext) async
}

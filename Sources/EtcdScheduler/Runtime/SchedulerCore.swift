import Foundation
import Logging
import Reconciler

/// Runs the reconciler: every event (Mesos, etcd probes, results of etcd calls, the 1 s tick, operator
/// requests) goes through one queue and is handled in order; the actions each produces are carried out
/// before the next event is handled, so `persist` always lands before the launch that follows it.
///
/// Slow work (etcd membership calls, reseed orders, snapshots) runs in its own task and comes back as an
/// event; Mesos calls and persistence are awaited in line, with their own timeouts.
actor SchedulerCore {
    private struct Envelope: Sendable {
        var event: ClusterEvent
        var reply: CheckedContinuation<[ClusterAction], Never>?
    }

    private var reconciler: ClusterReconciler
    private let actions: any ClusterActionPerformer
    private let origin = ContinuousClock.now
    private let queue: AsyncStream<Envelope>
    private let queueInput: AsyncStream<Envelope>.Continuation
    private let logger: Logger
    /// The leader's task as of the last probe, so membership calls go to it first.
    private var lastLeaderTask: TaskID?

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

    /// Queues `event` and returns the actions it produced, once they have been carried out.
    func request(_ event: ClusterEvent) async -> [ClusterAction] {
        await withCheckedContinuation { continuation in
            queueInput.yield(Envelope(event: event, reply: continuation))
        }
    }

    /// Handles events until the calling task is cancelled.
    func run() async {
        await withTaskCancellationHandler {
            for await envelope in queue {
                let performed = await handle(envelope.event)
                envelope.reply?.resume(returning: performed)
            }
        } onCancel: {
            queueInput.finish()
        }
    }

    private func handle(_ event: ClusterEvent) async -> [ClusterAction] {
        if case .clusterObserved(let observation) = event {
            lastLeaderTask = observation.probes.first { probe in
                guard let status = probe.status else { return false }
                return status.leaderID != 0 && status.leaderID == status.memberID
            }?.taskID
        }
        let now = ReconcilerInstant(ContinuousClock.now, origin: origin)
        let produced = reconciler.handle(event, now: now)
        for action in produced {
            await actions.perform(action, context: context)
        }
        return produced
    }

    /// What an action needs to know about the cluster beyond itself.
    private var context: ActionContext {
        let running = reconciler.members.filter { $0.state == .running }.map(\.identity)
        let leaderFirst = running.sorted { first, _ in first.taskID == lastLeaderTask }
        let input = queueInput
        return ActionContext(
            runningMembers: leaderFirst, persistedState: reconciler.persistedState,
            submit: { input.yield(Envelope(event: $0, reply: nil)) })
    }

    // What the admin API and the adapters read.
    var stats: ClusterStats { reconciler.stats }
    var members: [ClusterMember] { reconciler.members }
    var phase: ClusterPhase { reconciler.phase }
    var persistedState: PersistedClusterState { reconciler.persistedState }
    var configuration: ReconcilerConfiguration { reconciler.configuration }
}

/// What the core tells an action performer besides the action.
struct ActionContext: Sendable {
    /// Members whose task runs, the etcd leader first when known: where etcd calls go.
    var runningMembers: [MemberIdentity]
    var persistedState: PersistedClusterState
    /// Queues the result of work the action started.
    var submit: @Sendable (ClusterEvent) -> Void
}

/// Carries out the reconciler's actions (the adapters behind it do the I/O).
protocol ClusterActionPerformer: Sendable {
    func perform(_ action: ClusterAction, context: ActionContext) async
}

import Foundation
import Logging
import Synchronization
import Testing

@testable import EtcdScheduler
@testable import Reconciler

/// Records every action the core asks it to carry out; a membership call answers at once, as side work.
private final class RecordingPerformer: ClusterActionPerformer {
    let performed = Mutex<[ClusterAction]>([])

    func perform(_ action: ClusterAction, context: ActionContext) async {
        performed.withLock { $0.append(action) }
        if case .addMember(let peerURL, _, _) = action {
            context.startSideWork {
                .memberOperationFailed(.add(peerURL: peerURL), reason: "recorded")
            }
        }
    }
}

@Suite("SchedulerCore: events in order, actions carried out, side work owned")
struct SchedulerCoreTests {
    private func withCore(
        _ body: @Sendable (SchedulerCore, RecordingPerformer) async throws -> Void
    ) async throws {
        let performer = RecordingPerformer()
        var configuration = ReconcilerConfiguration(clusterSize: 3)
        configuration.firstMemberIndex = 1
        let core = SchedulerCore(
            reconciler: ClusterReconciler(configuration: configuration), actions: performer,
            logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await core.run() }
            try await body(core, performer)
            group.cancelAll()
        }
    }

    @Test func aRequestReturnsTheActionsOnceTheyWereCarriedOut() async throws {
        try await withCore { core, performer in
            let actions = await core.request(.operatorRequestedReseed)
            #expect(
                actions.contains {
                    if case .answer(let a) = $0 { a.outcome == .refused } else { false }
                })
            #expect(performer.performed.withLock { $0 } == actions)
        }
    }

    @Test func persistIsCarriedOutBeforeTheLaunchItPrecedes() async throws {
        try await withCore { core, performer in
            _ = await core.request(.subscribed(frameworkID: FrameworkID("f-1")))
            let offer = ResourceOffer(
                id: OfferID("o-1"), agentID: AgentID("a-1"), hostname: "127.0.0.2", cpus: 8,
                memoryMB: 8192,
                diskMB: 10240, ports: [31000...31099])
            _ = await core.request(.offers([offer]))
            let performed = performer.performed.withLock { $0 }
            let launch = performed.firstIndex { if case .launch = $0 { true } else { false } }
            let persist = performed.lastIndex { action in
                guard case .persist(let state) = action else { return false }
                return state.tasks.count == 1
            }
            #expect(launch != nil && persist != nil)
            if let launch, let persist { #expect(persist < launch) }
            #expect(await core.members.count == 1)
        }
    }

    @Test func eventsSubmittedWithoutWaitingAreHandledInOrder() async throws {
        try await withCore { core, _ in
            core.submit(.subscribed(frameworkID: FrameworkID("f-2")))
            core.submit(.backupCompleted(backupID: "b-1", revision: 5))
            core.submit(.backupCompleted(backupID: "b-2", revision: 9))
            _ = await core.request(.tick)
            let state = await core.persistedState
            #expect(state.frameworkID == FrameworkID("f-2"))
            #expect(state.lastGoodBackup == "b-2" && state.lastKnownRevision == 9)
        }
    }

    @Test func aStoppedCoreAnswersRequestsWithNothing() async throws {
        let core = SchedulerCore(
            reconciler: ClusterReconciler(configuration: ReconcilerConfiguration(clusterSize: 3)),
            actions: RecordingPerformer(), logger: Logger(label: "test"))
        let running = Task { await core.run() }
        running.cancel()
        await running.value
        #expect(await core.request(.tick).isEmpty)
    }
}

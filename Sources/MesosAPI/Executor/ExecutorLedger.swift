import Foundation

/// What an executor owes the agent until acknowledged: every status update it sent, and every task it was
/// launched with that no acknowledgement has covered yet. Both go into the next SUBSCRIBE, so nothing is
/// lost when the agent restarts (docs/mesos-v1-http.md §5.3 and §7.4).
public struct ExecutorLedger: Sendable, Hashable {
    /// Updates sent (or queued) and not yet acknowledged, oldest first.
    public private(set) var unacknowledgedUpdates: [ExecutorCall.Update] = []
    /// Tasks launched and not yet covered by an acknowledged update.
    public private(set) var unacknowledgedTasks: [TaskInfo] = []

    public init() {}

    /// The SUBSCRIBE payload carrying both lists.
    public var subscribe: ExecutorCall.Subscribe {
        ExecutorCall.Subscribe(
            unacknowledgedTasks: unacknowledgedTasks, unacknowledgedUpdates: unacknowledgedUpdates)
    }

    /// A LAUNCH arrived.
    public mutating func launched(_ task: TaskInfo) {
        guard !unacknowledgedTasks.contains(where: { $0.taskID == task.taskID }) else { return }
        unacknowledgedTasks.append(task)
    }

    /// An update is being sent; it needs a `uuid`.
    public mutating func sending(_ status: TaskStatus) {
        precondition(status.uuid != nil, "an executor's status update needs a uuid")
        unacknowledgedUpdates.append(ExecutorCall.Update(status: status))
    }

    /// The agent acknowledged the update `uuid` of `taskID`.
    public mutating func acknowledged(taskID: TaskID, uuid: Data) {
        unacknowledgedUpdates.removeAll { $0.status.uuid == uuid }
        unacknowledgedTasks.removeAll { $0.taskID == taskID }
    }

    /// The agent refused the update `uuid` for good (it failed validation): re-sending it would fail again.
    public mutating func discard(uuid: Data) {
        unacknowledgedUpdates.removeAll { $0.status.uuid == uuid }
    }

    /// True when `uuid` is still waiting for its acknowledgement.
    public func isPending(uuid: Data) -> Bool {
        unacknowledgedUpdates.contains { $0.status.uuid == uuid }
    }
}

import Foundation
import MesosAPI
import ProcessControl

/// Identifies an executor on an agent.
struct ExecutorKey: Hashable, Sendable {
    var framework: FrameworkID
    var executor: ExecutorID
}

/// One executor on an agent: a custom executor process speaking the executor API, or the built-in command
/// executor running one command task.
struct ExecutorRun: Sendable {
    enum Kind: Sendable { case custom, command }

    let key: ExecutorKey
    var frameworkInfo: FrameworkInfo
    let info: ExecutorInfo
    let kind: Kind
    let containerID: ContainerID
    let sandbox: String
    var process: ChildProcess?
    /// The live subscription stream and its ID, while the executor is subscribed.
    var stream: (id: String, continuation: AsyncStream<ExecutorEvent>.Continuation)?
    /// Who the executor runs as (`--switch_user`); nil when the agent does not switch.
    var user: TaskUser?
    /// Tasks launched before the executor subscribed; sent as LAUNCH after SUBSCRIBED.
    var queuedTasks: [TaskInfo] = []
    /// KILLs that arrived while the executor was not subscribed; sent when it (re-)subscribes.
    var pendingKills: [TaskID: KillPolicy?] = [:]
    /// Non-terminal tasks of this executor and their latest state.
    var tasks: [TaskID: TaskState] = [:]
    /// UUIDs of updates already forwarded (re-sent ones are acknowledged again but not forwarded twice).
    var forwardedUpdates: Set<Data> = []
    var subscribedOnce = false
    var shuttingDown = false
    /// A kill asked for before the command task's process started.
    var killRequested = false

    var gracePeriod: Duration { info.shutdownGracePeriod.map(\.duration) ?? .seconds(5) }
}

/// Why the agent refuses an executor call, as an HTTP status and the plain-text body the Mesos agent sends.
struct ExecutorCallRejection: Error, Sendable {
    var statusCode: Int
    var message: String
}

import Foundation
import MesosAPI

/// Identifies one scheduler subscription stream (the `Mesos-Stream-Id` the master handed out).
public typealias StreamID = String

/// Something the master's I/O layer must do on behalf of `MasterState`: write to a scheduler's event stream,
/// close it, or tell an agent to act. The state machine never does I/O itself.
public enum MasterEffect: Sendable, Hashable {
    /// Write `event` to the subscription stream `stream`.
    case send(SchedulerEvent, to: StreamID)
    /// End the subscription stream `stream` (after an ERROR event, or on failover/teardown).
    case closeStream(StreamID)
    /// Start `launch.task` on `agent`, with its executor when it has one.
    case launchTask(TaskLaunch, on: AgentID)
    /// Ask `agent` to kill a task (the executor gets KILL).
    case killTask(TaskID, framework: FrameworkID, killPolicy: KillPolicy?, on: AgentID)
    /// Ask `agent` to shut one executor down.
    case shutdownExecutor(ExecutorID, framework: FrameworkID, on: AgentID)
    /// Ask `agent` to shut down everything of a removed framework.
    case shutdownFramework(FrameworkID, on: AgentID)
    /// Deliver a scheduler MESSAGE to an executor (best effort).
    case messageToExecutor(Data, executor: ExecutorID, framework: FrameworkID, on: AgentID)
    /// The scheduler acknowledged a status update the agent sent; the agent may forget it.
    case acknowledgeUpdate(uuid: Data, task: TaskID, framework: FrameworkID, on: AgentID)
}

/// A task the master accepted, as an agent needs it: the task (its `executor.framework_id` filled in, as the
/// master does) and the framework it belongs to.
public struct TaskLaunch: Sendable, Hashable {
    public var frameworkID: FrameworkID
    public var frameworkInfo: FrameworkInfo
    public var task: TaskInfo

    public init(frameworkID: FrameworkID, frameworkInfo: FrameworkInfo, task: TaskInfo) {
        self.frameworkID = frameworkID
        self.frameworkInfo = frameworkInfo
        self.task = task
    }
}

/// Why the master refuses a scheduler call outright, as an HTTP status and the plain-text body real Mesos
/// sends (`400 Framework cannot be found`, `403 Framework is not subscribed`, …).
public struct SchedulerCallRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code: 400, 403 or 501.
    public var statusCode: Int
    /// The response body.
    public var message: String

    public init(statusCode: Int, message: String) {
        self.statusCode = statusCode
        self.message = message
    }

    public static func badRequest(_ message: String) -> Self {
        .init(statusCode: 400, message: message)
    }
    public static func forbidden(_ message: String) -> Self {
        .init(statusCode: 403, message: message)
    }
    public static let notImplemented = Self(statusCode: 501, message: "")

    public var description: String { "\(statusCode) \(message)" }
}

import Foundation
import MesosAPI

/// What the master asks of an agent. In-process agents receive these in order through their `AgentLink`.
public enum AgentCommand: Sendable, Hashable {
    case launch(TaskLaunch)
    case kill(TaskID, framework: FrameworkID, killPolicy: KillPolicy?)
    case shutdownExecutor(ExecutorID, framework: FrameworkID)
    case shutdownFramework(FrameworkID)
    case message(Data, executor: ExecutorID, framework: FrameworkID)
    case acknowledged(uuid: Data, task: TaskID, framework: FrameworkID)
}

/// The master's connection to an in-process agent: commands are delivered one at a time, in the order the
/// master issued them (a KILL never overtakes its LAUNCH).
public protocol AgentLink: Sendable {
    func deliver(_ command: AgentCommand) async
}

extension MasterEffect {
    /// The agent this effect is for and what to tell it, if it is an agent command.
    var agentCommand: (AgentID, AgentCommand)? {
        switch self {
        case .launchTask(let launch, let agent): (agent, .launch(launch))
        case .killTask(let task, let framework, let policy, let agent):
            (agent, .kill(task, framework: framework, killPolicy: policy))
        case .shutdownExecutor(let executor, let framework, let agent):
            (agent, .shutdownExecutor(executor, framework: framework))
        case .shutdownFramework(let framework, let agent): (agent, .shutdownFramework(framework))
        case .messageToExecutor(let data, let executor, let framework, let agent):
            (agent, .message(data, executor: executor, framework: framework))
        case .acknowledgeUpdate(let uuid, let task, let framework, let agent):
            (agent, .acknowledged(uuid: uuid, task: task, framework: framework))
        case .send, .closeStream: nil
        }
    }
}

import EtcdExecutor
import Foundation
import MesosAPI
import TaskContract

/// What the state machine tests share: one member and its task, a machine with short timeouts, and
/// times counted from `start`.
protocol StateMachineFixture {
    var start: ContinuousClock.Instant { get }
}

extension StateMachineFixture {
    typealias Machine = ExecutorStateMachine
    typealias Report = ExecutorStateMachine.StatusReport

    var member: EtcdTaskData.Member {
        EtcdTaskData.Member(
            name: "m1", host: "127.0.0.9", rpcPort: 2380, clientPort: 2379, httpPort: 2381,
            type: "new")
    }

    var taskID: TaskID { TaskID("m1 task") }

    var data: EtcdTaskData {
        EtcdTaskData(member: member, peers: [], initialClusterState: "new", clusterToken: "t1")
    }

    /// The listener's start for `member`, guarded by the task's secret (none in `data`).
    var listenerStart: ExecutorStateMachine.Action {
        .startReseedListener(
            host: "127.0.0.9", port: 2381,
            access: ReseedAccess(memberName: "m1", secret: nil, clientURL: "http://127.0.0.9:2379"))
    }

    /// A backup to restore, with the hash and size the scheduler sends.
    func backup(_ url: String) -> EtcdTaskData.RestoreSource {
        .init(url: url, archiveSHA256: String(repeating: "a", count: 64), archiveSize: 100)
    }

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .seconds(seconds) }

    func task(
        _ data: EtcdTaskData? = nil, id: TaskID? = nil, killGrace: Duration? = nil
    ) throws -> TaskInfo {
        TaskInfo(
            name: "etcd-server", taskID: id ?? taskID, agentID: AgentID("agent-1"),
            data: try (data ?? self.data).encoded(),
            killPolicy: killGrace.map { KillPolicy(gracePeriod: DurationInfo($0)) })
    }

    func machine(launchTimeout: Duration = .seconds(10)) -> Machine {
        Machine(
            configuration: .init(
                shutdownGracePeriod: .seconds(5), launchTimeout: launchTimeout,
                reseedTimeout: .seconds(30), reseedStopGracePeriod: .seconds(3)))
    }

    /// A subscribed machine whose etcd (generation 1) runs and has answered.
    func running() throws -> Machine {
        var machine = machine()
        _ = machine.handle(.subscribed, at: at(0))
        _ = machine.handle(.launch(try task(), dataDirectoryIsEmpty: true), at: at(0))
        _ = machine.handle(.reseedListenerStarted, at: at(0))
        _ = machine.handle(.etcd(.answered(generation: 1)), at: at(1))
        return machine
    }
}

extension [ExecutorStateMachine.Action] {
    /// The actions without log lines.
    var withoutLogs: [ExecutorStateMachine.Action] {
        filter {
            if case .log = $0 { return false }
            return true
        }
    }
}

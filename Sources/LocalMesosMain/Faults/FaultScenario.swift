/// The failures the fault suite injects, each run for a number of rounds against a cluster that keeps a writer
/// busy. A scenario names the cluster it needs and how the scheduler persists its state.
enum FaultScenario: String, CaseIterable, Sendable {
    case killOneOfThree = "kill-1-of-3"
    case killTwoOfFive = "kill-2-of-5"
    case agentPause = "agent-pause"
    case agentRestart = "agent-restart"
    case reseed
    case totalLoss = "total-loss"
    case schedulerRestartFile = "scheduler-restart-file"
    case schedulerRestartZooKeeper = "scheduler-restart-zk"
    case zooKeeperDown = "zk-down"
    case backupDuringReplacement = "backup-during-replacement"
    case masterRestart = "master-restart"

    enum Persistence: String, Sendable {
        case file
        case zooKeeper = "zk"
    }

    var clusterSize: Int { self == .killTwoOfFive ? 5 : 3 }
    /// Two spare agents, so replacements have somewhere to go.
    var agentCount: Int { clusterSize + 2 }

    /// Two masters elected through ZooKeeper (the scheduler finds the leader there) where a master restarts;
    /// one otherwise.
    var masterCount: Int { self == .masterRestart ? 2 : 1 }

    var persistence: Persistence {
        switch self {
        case .schedulerRestartZooKeeper, .zooKeeperDown: .zooKeeper
        default: .file
        }
    }

    /// Rounds in a full run (the minimum where it names one).
    var defaultRounds: Int {
        switch self {
        case .killOneOfThree: 20
        case .killTwoOfFive, .reseed, .schedulerRestartFile, .schedulerRestartZooKeeper: 10
        case .totalLoss, .agentPause, .agentRestart, .backupDuringReplacement, .masterRestart: 5
        case .zooKeeperDown: 3
        }
    }

    /// Cheap enough for CI's one-round smoke.
    static let smoke: [FaultScenario] = [.killOneOfThree, .schedulerRestartFile, .masterRestart]

    /// Extra scheduler flags.
    var schedulerFlags: [String] {
        switch self {
        case .reseed: ["-reseed-timeout=5s"]
        default: []
        }
    }

    var summary: String {
        switch self {
        case .killOneOfThree: "one member's agent killed (its host comes back empty)"
        case .killTwoOfFive: "two of five members' agents killed at once"
        case .agentPause:
            "one member's host frozen 30 s (SIGSTOP of its executor and etcd), then resumed"
        case .agentRestart: "one member's agent restarted (the executor re-subscribes)"
        case .reseed: "two of three agents killed: livelock, automatic reseed (-reseed-timeout=5s)"
        case .totalLoss: "a backup, every agent killed, seed from the backup"
        case .schedulerRestartFile: "scheduler SIGKILLed and restarted (state in a file)"
        case .schedulerRestartZooKeeper: "scheduler SIGKILLed and restarted (state in ZooKeeper)"
        case .zooKeeperDown:
            "ZooKeeper down 30 s, then back (the scheduler steps down by exiting; restarted as Marathon would)"
        case .backupDuringReplacement:
            "a member's agent killed and a backup taken while it is replaced"
        case .masterRestart:
            "the leading Mesos master killed and started again 2 s later (the standby leads; the scheduler follows it through ZooKeeper), then a member's agent killed"
        }
    }
}

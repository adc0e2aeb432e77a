import Reconciler

/// One entry of `/members` and `/membership`: the original's keys (docs/original-behaviour.md §8.2; `rpcPort` is the
/// peer port, `httpPort` the reseed listener's), plus what this scheduler knows beyond them.
struct MemberRecord: Encodable, Sendable {
    var name: String
    var host: String
    var rpcPort: Int
    var clientPort: Int
    var httpPort: Int
    var type: String
    var slaveID: String
    var taskID: String
    var state: String
    var clientURL: String
    var etcdMemberID: String?
    var isLearner: Bool
    var reachable: Bool?

    init(_ member: ClusterMember) {
        name = member.identity.name
        host = member.identity.host
        rpcPort = member.identity.peerPort
        clientPort = member.identity.clientPort
        httpPort = member.identity.reseedPort
        type = ""
        slaveID = member.agentID?.rawValue ?? ""
        taskID = member.taskID.rawValue
        state = member.state.rawValue
        clientURL = member.identity.clientURL
        etcdMemberID = member.etcdMemberID.map { String($0, radix: 16) }
        isLearner = member.isLearner
        reachable = member.reachable
    }
}

/// One member of an etcd cluster as the cluster's membership lists it.
public struct EtcdMember: Sendable, Hashable, CustomStringConvertible {
    /// etcd's member ID. It uses all 64 bits, so it is printed in hex by etcdctl's tables.
    public var id: UInt64
    /// Empty until the member has started and published its name.
    public var name: String
    public var peerURLs: [String]
    /// Empty until the member has started.
    public var clientURLs: [String]
    public var isLearner: Bool

    public init(id: UInt64, name: String, peerURLs: [String], clientURLs: [String], isLearner: Bool)
    {
        self.id = id
        self.name = name
        self.peerURLs = peerURLs
        self.clientURLs = clientURLs
        self.isLearner = isLearner
    }

    /// The ID as etcdctl prints it in tables (lower-case hex, no padding).
    public var hexID: String { String(id, radix: 16) }

    public var description: String {
        let role = isLearner ? " learner" : ""
        return
            "\(name.isEmpty ? "(unstarted)" : name) \(hexID)\(role) peers \(peerURLs) clients \(clientURLs)"
    }
}

extension EtcdMember {
    init(_ member: Etcdserverpb_Member) {
        self.init(
            id: member.id, name: member.name, peerURLs: member.peerUrls,
            clientURLs: member.clientUrls,
            isLearner: member.isLearner)
    }
}

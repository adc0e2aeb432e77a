/// The ZooKeeper group Mesos masters join: under the group's znode (e.g. `/mesos`) each master holds an
/// ephemeral sequential node `json.info_<10-digit sequence>` whose data is its `MasterInfo` as Mesos JSON.
/// The member with the lowest sequence number leads.
///
/// Other children are ignored: `log_replicas` (the replicated log's registry) and the binary-protobuf `info_`
/// nodes of masters older than Mesos 0.24, which this library cannot read. Should such a master lead, the
/// 307 redirects of the JSON-registered masters still lead clients to it.
public enum MasterGroup {
    /// The label of a member node, before `_` and the sequence number.
    public static let memberLabel = "json.info"
    /// The name to give `ZooKeeperClient.create(…, mode: .ephemeralSequential)` under the group's znode to
    /// register a master the way Mesos does.
    public static let memberNodePrefix = memberLabel + "_"

    /// The sequence number of a member node called `name` (`json.info_0000000007` → 7), or `nil` if the node
    /// is not a member.
    public static func sequence(ofNode name: String) -> UInt64? {
        guard name.hasPrefix(memberNodePrefix) else { return nil }
        let digits = name.dropFirst(memberNodePrefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// The leading member among the child names of the group's znode, or `nil` if there is none.
    public static func leaderNode(among children: [String]) -> String? {
        children.compactMap { name in sequence(ofNode: name).map { (name, $0) } }
            .min { $0.1 < $1.1 }?.0
    }
}

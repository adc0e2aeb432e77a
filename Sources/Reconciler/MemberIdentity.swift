/// Who an etcd member is and where it listens: everything the original encoded in the task ID.
///
/// Task ID: `<name> <host> <peer port> <client port> <reseed port>`, e.g.
/// `etcd-1443221234 agent3.example 31000 31001 31002` (docs/original-behaviour.md §3.1). The scheduler can rebuild its
/// whole view of a member from the ID alone, which is what reconciliation after a restart relies on.
public struct MemberIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The `n` of the member name `etcd-<n>`; unique across scheduler restarts (docs/original-behaviour.md §3.1).
    public var index: Int
    /// The agent's hostname from the offer; etcd binds and advertises on it.
    public var host: String
    public var peerPort: Int
    public var clientPort: Int
    /// Port of the executor's reseed listener.
    public var reseedPort: Int

    public init(index: Int, host: String, peerPort: Int, clientPort: Int, reseedPort: Int) {
        self.index = index
        self.host = host
        self.peerPort = peerPort
        self.clientPort = clientPort
        self.reseedPort = reseedPort
    }

    /// Parses a five-field task ID. Returns nil for anything else (the original ignored such IDs).
    public init?(taskID: TaskID) {
        let fields = taskID.rawValue.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 5,
            let index = Self.parseIndex(fields[0]),
            !fields[1].isEmpty,
            let peer = Int(fields[2]), let client = Int(fields[3]), let reseed = Int(fields[4]),
            [peer, client, reseed].allSatisfy({ (1...65535).contains($0) })
        else { return nil }
        self.init(
            index: index, host: String(fields[1]), peerPort: peer, clientPort: client,
            reseedPort: reseed)
    }

    /// The etcd member name, `etcd-<n>`.
    public var name: String { "\(Self.namePrefix)\(index)" }

    public var taskID: TaskID { TaskID("\(name) \(host) \(peerPort) \(clientPort) \(reseedPort)") }

    /// `http://host:peer`, the URL etcd advertises to peers and the key that matches etcd members to tasks.
    public var peerURL: String { "http://\(urlHost):\(peerPort)" }

    /// `http://host:client`, where clients and the health probe reach this member.
    public var clientURL: String { "http://\(urlHost):\(clientPort)" }

    /// `http://host:reseed`, the executor's reseed listener.
    public var reseedURL: String { "http://\(urlHost):\(reseedPort)" }

    public var description: String { taskID.rawValue }

    static let namePrefix = "etcd-"

    private var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    private static func parseIndex(_ name: Substring) -> Int? {
        guard name.hasPrefix(namePrefix) else { return nil }
        let digits = name.dropFirst(namePrefix.count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}

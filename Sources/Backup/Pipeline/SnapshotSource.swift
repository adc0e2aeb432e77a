import EtcdClient

/// The member a snapshot is streamed from, with the status it reported just before.
public struct SnapshotSource: Sendable, Hashable {
    public var candidate: BackupSourceCandidate
    public var status: EtcdStatus

    public init(candidate: BackupSourceCandidate, status: EtcdStatus) {
        self.candidate = candidate
        self.status = status
    }

    /// The member as the manifest records it.
    var manifestMember: BackupSourceMember {
        BackupSourceMember(
            id: String(status.memberID, radix: 16), name: candidate.name,
            endpoint: candidate.endpoint,
            wasLeader: status.isLeader)
    }
}

/// A member the scheduler offers as a snapshot source: its client endpoint and, if known, its name.
public struct BackupSourceCandidate: Sendable, Hashable, CustomStringConvertible {
    public var endpoint: String
    public var name: String?

    public init(endpoint: String, name: String? = nil) {
        self.endpoint = endpoint
        self.name = name
    }

    public var description: String { name.map { "\($0) (\(endpoint))" } ?? endpoint }
}

/// How far a running backup has got; handed to the service's progress observer after each chunk.
public struct BackupProgress: Sendable, Hashable {
    public var id: String
    public var endpoint: String
    public var bytesReceived: UInt64
    /// The whole stream's size (database and etcd's 32-byte hash), announced by etcd up front.
    public var bytesTotal: UInt64

    public init(id: String, endpoint: String, bytesReceived: UInt64, bytesTotal: UInt64) {
        self.id = id
        self.endpoint = endpoint
        self.bytesReceived = bytesReceived
        self.bytesTotal = bytesTotal
    }
}

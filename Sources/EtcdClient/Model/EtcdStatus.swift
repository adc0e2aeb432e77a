/// What one member reports about itself (`Maintenance.Status`).
public struct EtcdStatus: Sendable, Hashable {
    public var memberID: UInt64
    public var clusterID: UInt64
    /// The server's version, e.g. `3.4.23`.
    public var version: String
    /// Bytes the backend database file occupies.
    public var dbSize: Int64
    /// Bytes of the backend database in logical use (less than `dbSize` after deletes, until a defrag).
    public var dbSizeInUse: Int64
    /// The member this member believes leads; 0 when it knows of no leader.
    public var leader: UInt64
    public var raftIndex: UInt64
    public var raftTerm: UInt64
    public var raftAppliedIndex: UInt64
    /// The key-value store's revision.
    public var revision: Int64
    public var isLearner: Bool
    /// Alarms and health problems the member reports, e.g. `NOSPACE`.
    public var errors: [String]

    public init(
        memberID: UInt64, clusterID: UInt64, version: String, dbSize: Int64, dbSizeInUse: Int64,
        leader: UInt64,
        raftIndex: UInt64, raftTerm: UInt64, raftAppliedIndex: UInt64, revision: Int64,
        isLearner: Bool,
        errors: [String]
    ) {
        self.memberID = memberID
        self.clusterID = clusterID
        self.version = version
        self.dbSize = dbSize
        self.dbSizeInUse = dbSizeInUse
        self.leader = leader
        self.raftIndex = raftIndex
        self.raftTerm = raftTerm
        self.raftAppliedIndex = raftAppliedIndex
        self.revision = revision
        self.isLearner = isLearner
        self.errors = errors
    }

    /// True when this member is the one it believes leads.
    public var isLeader: Bool { leader != 0 && leader == memberID }
}

extension EtcdStatus {
    init(_ response: Etcdserverpb_StatusResponse) {
        self.init(
            memberID: response.header.memberID, clusterID: response.header.clusterID,
            version: response.version,
            dbSize: response.dbSize, dbSizeInUse: response.dbSizeInUse, leader: response.leader,
            raftIndex: response.raftIndex, raftTerm: response.raftTerm,
            raftAppliedIndex: response.raftAppliedIndex,
            revision: response.header.revision, isLearner: response.isLearner,
            errors: response.errors)
    }
}

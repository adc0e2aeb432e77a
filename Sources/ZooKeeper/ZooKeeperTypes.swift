/// How a znode is created: whether it lives beyond its session and whether the server appends a sequence number.
public enum ZooKeeperCreateMode: Sendable, Equatable, CaseIterable {
    /// Stays until deleted.
    case persistent
    /// Deleted by the server when the creating session ends (closed or expired).
    case ephemeral
    /// Persistent, with a 10-digit, zero-padded, increasing counter of the parent appended to the name.
    case persistentSequential
    /// Ephemeral and sequential.
    case ephemeralSequential

    var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}

/// The metadata ZooKeeper keeps for a znode (its `Stat`). Times are milliseconds since the Unix epoch.
public struct ZooKeeperStat: Sendable, Equatable, Hashable {
    /// The transaction that created the node.
    public var czxid: Int64
    /// The transaction that last changed the node's data.
    public var mzxid: Int64
    /// The transaction that last changed the node's children.
    public var pzxid: Int64
    /// Creation time, milliseconds since the epoch.
    public var ctime: Int64
    /// Time of the last data change, milliseconds since the epoch.
    public var mtime: Int64
    /// Number of changes to the data; the value `set(_:data:expectedVersion:)` compares against.
    public var version: Int32
    /// Number of changes to the children.
    public var cversion: Int32
    /// Number of changes to the ACL.
    public var aversion: Int32
    /// The session ID owning an ephemeral node; 0 for a persistent node.
    public var ephemeralOwner: Int64
    /// Length of the data in bytes.
    public var dataLength: Int32
    /// Number of children.
    public var numChildren: Int32

    /// True when the node is ephemeral.
    public var isEphemeral: Bool { ephemeralOwner != 0 }
}

/// What identifies a session to the server: its ID and password. With them, `ZooKeeperClient.connect(…resuming:)`
/// attaches a new client to a live session (its ephemeral nodes stay). Treat the password as a secret.
public struct ZooKeeperSessionCredentials: Sendable, Equatable {
    public var sessionID: Int64
    /// libzookeeper's 16-byte session password.
    public var password: [UInt8]

    public init(sessionID: Int64, password: [UInt8]) {
        self.sessionID = sessionID
        self.password = password
    }
}

/// A change of the client's session, as seen on `ZooKeeperClient.sessionEvents`.
public enum ZooKeeperSessionEvent: Sendable, Equatable, CustomStringConvertible {
    /// Connected (again) to a server; the session, its ephemeral nodes and its watches are intact.
    case connected
    /// The connection was lost. The session may survive if the client reconnects within the session
    /// timeout; until then requests fail with `connectionLoss`.
    case suspended
    /// The server ended the session: its ephemeral nodes are gone and the client cannot be used again.
    /// Close it and connect a new one.
    case expired
    /// `close()` was called. The stream finishes after this event.
    case closed

    public var description: String {
        switch self {
        case .connected: return "connected"
        case .suspended: return "suspended (connection lost)"
        case .expired: return "expired"
        case .closed: return "closed"
        }
    }
}

/// What a one-shot watch reports.
public struct ZooKeeperWatchEvent: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The kind of change.
    public enum Kind: Sendable, Equatable, Hashable {
        case created
        case deleted
        case dataChanged
        case childrenChanged
        /// The session expired or the client was closed before the node changed; the watch will never fire.
        case sessionLost
    }

    public var kind: Kind
    /// The watched path, relative to the client's chroot.
    public var path: String

    public init(kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String { "\(kind) \(path)" }
}

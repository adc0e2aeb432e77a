import CZooKeeper

/// Why a ZooKeeper call failed, mapped from libzookeeper's return codes (`ZNONODE`, `ZBADVERSION`, …).
public enum ZooKeeperError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The node (or, for `create`, its parent) does not exist.
    case noNode(path: String)
    /// `create` found the node already there.
    case nodeExists(path: String)
    /// A compare-and-set or conditional delete saw another version than `expected`.
    case badVersion(path: String, expected: Int32)
    /// `delete` of a node that still has children.
    case notEmpty(path: String)
    /// Ephemeral nodes cannot have children.
    case noChildrenForEphemerals(path: String)
    /// The node's ACL forbids the operation.
    case noAuth(path: String)
    /// The connection to the server was lost while the request was in flight; it may or may not have been applied.
    case connectionLoss
    /// The session has expired; the client must be closed and a new one connected.
    case sessionExpired
    /// The server did not answer in time.
    case operationTimeout
    /// No server in `connectString` accepted a session within `after`.
    case connectTimedOut(connectString: String, after: Duration)
    /// The connect string is malformed; the message says what is wrong.
    case invalidConnectString(String)
    /// A path that ZooKeeper would reject, caught before it reaches the server.
    case invalidPath(path: String, reason: String)
    /// The client was closed (before or while the request ran).
    case closed
    /// Any other libzookeeper code.
    case other(code: Int32, operation: String, path: String)

    public var description: String {
        switch self {
        case .noNode(let path): return "ZooKeeper node \(path) does not exist"
        case .nodeExists(let path): return "ZooKeeper node \(path) already exists"
        case .badVersion(let path, let expected):
            return
                "ZooKeeper node \(path) is no longer at version \(expected) (changed concurrently)"
        case .notEmpty(let path): return "ZooKeeper node \(path) still has children"
        case .noChildrenForEphemerals(let path):
            return
                "cannot create \(path): its parent is ephemeral and ephemeral nodes cannot have children"
        case .noAuth(let path): return "not authorised for ZooKeeper node \(path)"
        case .connectionLoss:
            return "lost the connection to ZooKeeper (the request may or may not have been applied)"
        case .sessionExpired: return "the ZooKeeper session has expired"
        case .operationTimeout: return "ZooKeeper did not answer in time"
        case .connectTimedOut(let connectString, let after):
            return "could not connect to ZooKeeper at \(connectString) within \(after)"
        case .invalidConnectString(let message):
            return "invalid ZooKeeper connect string: \(message)"
        case .invalidPath(let path, let reason):
            return "invalid ZooKeeper path \"\(path)\": \(reason)"
        case .closed: return "the ZooKeeper client is closed"
        case .other(let code, let operation, let path):
            let meaning = zerror(code).map { String(cString: $0) } ?? "unknown error"
            return "ZooKeeper \(operation) \(path) failed: \(meaning) (code \(code))"
        }
    }
}

/// What a request was, so that a failure code becomes an error that names it.
struct ZooKeeperRequest: Sendable {
    var operation: String
    var path: String
    var expectedVersion: Int32? = nil

    func error(code: Int32) -> ZooKeeperError {
        switch code {
        case ZNONODE.rawValue: return .noNode(path: path)
        case ZNODEEXISTS.rawValue: return .nodeExists(path: path)
        case ZBADVERSION.rawValue: return .badVersion(path: path, expected: expectedVersion ?? -1)
        case ZNOTEMPTY.rawValue: return .notEmpty(path: path)
        case ZNOCHILDRENFOREPHEMERALS.rawValue: return .noChildrenForEphemerals(path: path)
        case ZNOAUTH.rawValue: return .noAuth(path: path)
        case ZCONNECTIONLOSS.rawValue: return .connectionLoss
        // ZINVALIDSTATE is what libzookeeper answers once the handle is unrecoverable (expired).
        case ZSESSIONEXPIRED.rawValue, ZINVALIDSTATE.rawValue: return .sessionExpired
        case ZOPERATIONTIMEOUT.rawValue: return .operationTimeout
        case ZCLOSING.rawValue: return .closed
        default: return .other(code: code, operation: operation, path: path)
        }
    }
}

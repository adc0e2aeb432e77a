import MesosAPI
import ZooKeeper

/// Where the scheduler keeps its `PersistedClusterState`.
public enum PersistenceLocation: Sendable, Hashable, CustomStringConvertible {
    /// `-zk-framework-persist=zk://h1:p1,h2:p2/chroot`: znodes under the chroot, named after the framework.
    case zooKeeper(ZooKeeperPersistAddress)
    /// `-framework-persist-file`, or the default file under `-work-dir` with `-master=local`: a JSON file.
    case file(path: String)

    public var description: String {
        switch self {
        case .zooKeeper(let address): "ZooKeeper \(address)"
        case .file(let path): "file \(path)"
        }
    }
}

/// A parsed `-zk-framework-persist` value: `zk://host:port[,host:port…]/chroot`.
///
/// Unlike the original, the chroot may have several segments (`/dcos/etcd-mesos`): ZooKeeper trees are
/// often shared between teams, and the store creates missing parents itself; the original's one-segment
/// rule only reflected that it created a single level. The root (`/` or no path) is still refused, as the
/// original did, so the framework's znodes never land at the top of a shared tree.
public struct ZooKeeperPersistAddress: Sendable, Hashable, CustomStringConvertible {
    /// `host:port` of each server (port 2181 when the value gave none).
    public var servers: [String]
    /// The parent of the framework's znodes, e.g. `/etcd-mesos`.
    public var chroot: String

    public init(servers: [String], chroot: String) {
        self.servers = servers
        self.chroot = chroot
    }

    public init(parsing text: String, origin: FlagOrigin = .commandLine)
        throws(SchedulerConfigurationError)
    {
        func invalid(_ reason: String, example: Bool = true) -> SchedulerConfigurationError {
            let hint =
                example
                ? "; expected zk://host:port[,host:port…]/chroot, e.g. zk://zk1:2181,zk2:2181/etcd-mesos"
                : ""
            return .invalidValue(
                flag: "zk-framework-persist", value: text, expected: reason + hint, origin: origin)
        }
        guard text.lowercased().hasPrefix("zk://") else { throw invalid("not a zk:// URL") }
        let path = text.dropFirst("zk://".count).drop { $0 != "/" }
        guard path.contains(where: { $0 != "/" }) else {
            throw invalid("no chroot (the framework's znodes are not put at the root)")
        }
        let parsed: ZooKeeperMasterAddress
        do {
            parsed = try ZooKeeperMasterAddress(parsing: text)
        } catch {
            throw invalid("\(error)", example: false)
        }
        guard parsed.credentials == nil else {
            throw invalid(
                "credentials in the URL are not supported (the znodes are created world-readable)")
        }
        do {
            _ = try ZooKeeperConnectString(parsing: parsed.serverList + parsed.path)
        } catch {
            throw invalid("\(error)")
        }
        servers = parsed.servers
        chroot = parsed.path
    }

    /// `h1:2181,h2:2181`, the connect string without a chroot (the store uses absolute paths).
    public var serverList: String { servers.joined(separator: ",") }

    /// `zk://h1:2181,h2:2181/etcd-mesos`.
    public var description: String { "zk://\(serverList)\(chroot)" }
}

import Foundation

/// How to find the Mesos master, as given on a command line (`--master`).
///
/// Accepted forms:
/// - `host`, `host:port`, `http://host:port`, `https://host:port` (port defaults to 5050); several,
///   comma-separated (`m1:5050,m2:5050`), are tried in order, following 307 redirects to the leader;
/// - `zk://[user:password@]host:port[,host:port…]/path` (ZooKeeper port defaults to 2181): the leader is
///   detected through ZooKeeper (see `MasterDetector`);
/// - `local`: an embedded master run by this process.
public enum MasterAddress: Sendable, Hashable, CustomStringConvertible {
    case endpoints([MesosEndpoint])
    case zooKeeper(ZooKeeperMasterAddress)
    case local

    public init(parsing text: String) throws(MasterAddressError) {
        let input = text.trimmingASCIISpaces()
        guard !input.isEmpty else { throw .empty }
        if input == "local" {
            self = .local
            return
        }
        if let separator = input.range(of: "://") {
            let scheme = input[..<separator.lowerBound].lowercased()
            switch scheme {
            case "zk":
                self = .zooKeeper(try ZooKeeperMasterAddress(parsing: input))
                return
            case "http", "https":
                break
            case "file":
                throw .unsupportedScheme(
                    scheme: scheme, input: input,
                    hint: "give the zk:// URL the file holds instead of the file")
            default:
                throw .unknownScheme(scheme: scheme, input: input)
            }
        }
        var endpoints: [MesosEndpoint] = []
        for part in input.split(separator: ",", omittingEmptySubsequences: false) {
            let part = String(part).trimmingASCIISpaces()
            guard !part.isEmpty else { throw .missingHost(input: input) }
            do {
                endpoints.append(
                    try MesosEndpoint(parsing: part, defaultPort: MesosEndpoint.defaultMasterPort))
            } catch {
                throw error.reported(for: input)
            }
        }
        self = .endpoints(endpoints)
    }

    public var description: String {
        switch self {
        case .endpoints(let endpoints): endpoints.map(\.description).joined(separator: ",")
        case .zooKeeper(let address): address.description
        case .local: "local"
        }
    }
}

/// A `zk://` master address: the ZooKeeper ensemble and the znode under which the masters register.
public struct ZooKeeperMasterAddress: Sendable, Hashable, CustomStringConvertible {
    /// Digest credentials from `zk://user:password@…`. Mesos creates its master nodes world-readable, so
    /// detection does not need them.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }

        /// `user:***`; never prints the password.
        public var description: String { "\(user):***" }
    }

    /// `host:port` of each ZooKeeper server.
    public var servers: [String]
    /// The znode of the master group, e.g. `/mesos`.
    public var path: String
    public var credentials: Credentials?

    public init(servers: [String], path: String, credentials: Credentials? = nil) {
        self.servers = servers
        self.path = path
        self.credentials = credentials
    }

    /// Parses `zk://[user:password@]host[:port][,host[:port]…]/path`.
    public init(parsing text: String) throws(MasterAddressError) {
        let full = text.trimmingASCIISpaces()
        // Errors quote the address: never with its password.
        let input = full.replacingPassword()
        guard let separator = full.range(of: "://"),
            full[..<separator.lowerBound].lowercased() == "zk"
        else {
            throw .unknownScheme(scheme: String(input.prefix { $0 != ":" }), input: input)
        }
        let rest = full[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        var hosts = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hosts = authority[authority.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":"), colon != userInfo.startIndex else {
                throw .invalidCredentials(input: input)
            }
            credentials = Credentials(
                user: String(userInfo[..<colon]),
                password: String(userInfo[userInfo.index(after: colon)...]))
        } else {
            credentials = nil
        }
        guard !hosts.isEmpty else { throw .missingHost(input: input) }
        servers = []
        for host in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            let (name, port) = try HostPort.parse(host, defaultPort: 2181, input: input)
            servers.append(MesosEndpoint(host: name, port: port).hostAndPort)
        }
        var path = String(rest[authority.endIndex...])
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard path.count > 1 else { throw .missingZooKeeperPath(input: input) }
        for component in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard !component.isEmpty, component != ".", component != ".." else {
                throw .invalidZooKeeperPath(path: path, input: input)
            }
        }
        self.path = path
    }

    /// `h1:2181,h2:2181`: the ensemble without a chroot.
    public var serverList: String { servers.joined(separator: ",") }

    /// `h1:2181,h2:2181/mesos`: a connect string whose chroot is the master group.
    public var connectString: String { serverList + path }

    /// `zk://h1:2181,h2:2181/mesos`, with a password shown as `***`.
    public var description: String {
        "zk://" + (credentials.map { "\($0)@" } ?? "") + serverList + path
    }
}

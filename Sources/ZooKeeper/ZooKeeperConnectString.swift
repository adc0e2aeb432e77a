/// A parsed connect string: `host:port[,host:port…][/chroot]`.
public struct ZooKeeperConnectString: Sendable, Equatable, CustomStringConvertible {
    /// One server address.
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public var servers: [Server]
    /// The path every client path is relative to, or `nil` for the root.
    public var chroot: String?

    /// Parses and validates `text`, e.g. `"127.0.0.1:2181"` or `"zk1:2181,zk2:2181/mesos"`.
    public init(parsing text: String) throws(ZooKeeperError) {
        func invalid(_ reason: String) -> ZooKeeperError {
            .invalidConnectString("\"\(text)\": \(reason)")
        }
        let hostsPart: Substring
        if let slash = text.firstIndex(of: "/") {
            hostsPart = text[..<slash]
            let chroot = String(text[slash...])
            do {
                try ZooKeeperPath.validate(chroot)
            } catch {
                throw invalid("bad chroot: \(error)")
            }
            self.chroot = chroot == "/" ? nil : chroot
        } else {
            hostsPart = text[...]
            chroot = nil
        }
        guard !hostsPart.isEmpty else {
            throw invalid("no servers (expected host:port[,host:port…][/chroot])")
        }
        servers = []
        for entry in hostsPart.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = entry.trimmingSpaces()
            guard let colon = entry.lastIndex(of: ":") else {
                throw invalid("\"\(entry)\" has no port")
            }
            var host = entry[..<colon]
            if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            guard !host.isEmpty else { throw invalid("\"\(entry)\" has no host") }
            guard let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw invalid("\"\(entry)\" has no valid port (1-65535)")
            }
            servers.append(Server(host: String(host), port: port))
        }
    }

    public var description: String {
        servers.map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" }
            .joined(separator: ",") + (chroot ?? "")
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}

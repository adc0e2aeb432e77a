import Foundation

/// Why a master address, endpoint or redirect location could not be understood.
public enum MasterAddressError: Error, Hashable, CustomStringConvertible {
    case empty
    case unknownScheme(scheme: String, input: String)
    case unsupportedScheme(scheme: String, input: String, hint: String)
    case missingHost(input: String)
    case invalidHost(host: String, input: String, reason: String)
    case invalidPort(port: String, input: String)
    case unexpectedPath(path: String, input: String)
    case invalidCredentials(input: String)
    case missingZooKeeperPath(input: String)
    case invalidZooKeeperPath(path: String, input: String)
    case invalidRedirect(location: String, reason: String)

    public var description: String {
        let forms =
            "expected host[:port], http(s)://host[:port], zk://host:port[,host:port…]/path or local"
        switch self {
        case .empty:
            return "the master address is empty (\(forms))"
        case .unknownScheme(let scheme, let input):
            return "master address \"\(input)\" has unknown scheme \"\(scheme)\" (\(forms))"
        case .unsupportedScheme(let scheme, let input, let hint):
            return "master address \"\(input)\": \(scheme):// is not supported; \(hint)"
        case .missingHost(let input):
            return "master address \"\(input)\" names no host (\(forms))"
        case .invalidHost(let host, let input, let reason):
            return "master address \"\(input)\" has an invalid host \"\(host)\": \(reason)"
        case .invalidPort(let port, let input):
            return "master address \"\(input)\" has an invalid port \"\(port)\" (expected 1-65535)"
        case .unexpectedPath(let path, let input):
            return
                "master address \"\(input)\" has a path \"\(path)\"; give only scheme, host and port"
        case .invalidCredentials(let input):
            let shown = input.replacingPassword()
            return
                "ZooKeeper address \"\(shown)\" has malformed credentials (expected zk://user:password@host:port/path)"
        case .missingZooKeeperPath(let input):
            return "ZooKeeper address \"\(input.replacingPassword())\" has no znode path "
                + "(expected zk://host:port[,host:port…]/path, e.g. zk://127.0.0.1:2181/mesos)"
        case .invalidZooKeeperPath(let path, let input):
            return
                "ZooKeeper address \"\(input.replacingPassword())\" has an invalid znode path \"\(path)\" "
                + "(empty, '.' or '..' components)"
        case .invalidRedirect(let location, let reason):
            return "cannot follow the redirect to \"\(location)\": \(reason)"
        }
    }
}

extension String {
    /// `zk://user:secret@h/…` → `zk://user:***@h/…`, so errors never print passwords.
    func replacingPassword() -> String {
        guard let schemeEnd = range(of: "://"),
            let at = self[schemeEnd.upperBound...].firstIndex(of: "@"),
            let colon = self[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return self }
        return String(self[..<index(after: colon)]) + "***" + String(self[at...])
    }
}

extension MasterAddressError {
    /// The same error, naming the whole address `input` rather than the part that failed.
    func reported(for input: String) -> MasterAddressError {
        switch self {
        case .empty, .missingHost: return .missingHost(input: input)
        case .unknownScheme(let scheme, _): return .unknownScheme(scheme: scheme, input: input)
        case .unsupportedScheme(let scheme, _, let hint):
            return .unsupportedScheme(scheme: scheme, input: input, hint: hint)
        case .invalidHost(let host, _, let reason):
            return .invalidHost(host: host, input: input, reason: reason)
        case .invalidPort(let port, _): return .invalidPort(port: port, input: input)
        case .unexpectedPath(let path, _): return .unexpectedPath(path: path, input: input)
        case .invalidCredentials, .missingZooKeeperPath, .invalidZooKeeperPath, .invalidRedirect:
            return self
        }
    }
}

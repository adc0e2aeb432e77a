import Synchronization

/// The base URLs of the scheduler's own servers (`http://<address>:<port>`), set once each listens: the
/// artifact server the agents fetch the executor and etcd from, and the admin API backups are downloaded from.
final class ServedURLs: Sendable {
    private let host: String
    private let ports = Mutex<(admin: Int?, artifact: Int?)>((nil, nil))

    /// `address` as given by `-address`; an IPv6 address is bracketed in URLs.
    init(address: String) {
        host = address.contains(":") ? "[\(address)]" : address
    }

    /// Records the bound ports; true the first time (later subscriptions find them set).
    @discardableResult
    func set(adminPort: Int, artifactPort: Int) -> Bool {
        ports.withLock { ports in
            defer { ports = (adminPort, artifactPort) }
            return ports.admin == nil
        }
    }

    /// The admin API's base URL (the requested port until it listens).
    var admin: String { "http://\(host):\(ports.withLock { $0.admin } ?? 0)" }
    var artifact: String { "http://\(host):\(ports.withLock { $0.artifact } ?? 0)" }
}

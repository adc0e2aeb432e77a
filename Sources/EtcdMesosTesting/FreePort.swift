import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Free TCP ports on loopback, so no test depends on a fixed port.
///
/// Ports come from 20000–30999: below the kernel's ephemeral range (32768+), where outgoing connections and
/// `bind(0)` would take a port between our check and the server's bind, and below Mesos' task ports
/// (31000–32000). A port is never handed out twice in one test process, so suites running in parallel
/// cannot be given the same one.
public enum FreePort {
    static let range = 20000...30999
    private static let handedOut = Mutex(Set<Int>())

    /// A port that was free on `host` a moment ago and that no other caller in this process was given.
    public static func allocate(host: String = "127.0.0.1") throws -> Int {
        var lastError = "no port in \(range) is free"
        for _ in 0..<500 {
            let port = Int.random(in: range)
            let fresh = handedOut.withLock { ports in ports.insert(port).inserted }
            guard fresh else { continue }
            switch try canBind(host: host, port: port) {
            case nil: return port
            case let reason?: lastError = reason
            }
        }
        throw FreePortError(host: host, reason: lastError)
    }

    /// nil if `port` could be bound on `host` (and was released again), else why not.
    private static func canBind(host: String, port: Int) throws -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw FreePortError(host: host, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw FreePortError(host: host, reason: "not an IPv4 address")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        return bound ? nil : String(cString: strerror(errno))
    }
}

/// No free port could be found.
public struct FreePortError: Error, CustomStringConvertible {
    public let host: String
    public let reason: String
    public var description: String { "cannot find a free port on \(host): \(reason)" }
}

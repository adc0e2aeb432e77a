#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on loopback, so no test depends on a fixed port.
public enum FreePort {
    /// A port that was free on `host` a moment ago: the kernel picks it for a bound socket that is then closed.
    public static func allocate(host: String = "127.0.0.1") throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FreePortError(host: host, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw FreePortError(host: host, reason: "not an IPv4 address")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw FreePortError(host: host, reason: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// No free port could be found.
public struct FreePortError: Error, CustomStringConvertible {
    public let host: String
    public let reason: String
    public var description: String { "cannot find a free port on \(host): \(reason)" }
}

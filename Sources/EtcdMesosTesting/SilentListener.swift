#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` with the port of a loopback socket that listens but never accepts: the kernel completes TCP
/// handshakes, and nothing ever reads or answers, like a hung server.
public func withSilentListener<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Int) async throws -> T
) async throws -> T {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SilentListenerError(step: "socket", errno: errno) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
    }
    guard bound else { throw SilentListenerError(step: "bind", errno: errno) }
    guard listen(fd, 16) == 0 else { throw SilentListenerError(step: "listen", errno: errno) }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}

/// Why the silent listener could not be set up.
public struct SilentListenerError: Error, CustomStringConvertible {
    let step: String
    let errno: Int32
    public var description: String {
        "silent listener: \(step) failed: \(String(cString: strerror(errno)))"
    }
}

/// Runs `body` with a loopback port that is bound but not listening, held for the whole body: a connection to
/// it is refused, and no other test can start a server on it meanwhile (a port from `FreePort`, released
/// before use, can be taken by a concurrent test's server and then answer).
public func withRefusingPort<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Int) async throws -> T
) async throws -> T {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SilentListenerError(step: "socket", errno: errno) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
        }
    }
    guard bound else { throw SilentListenerError(step: "bind", errno: errno) }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}

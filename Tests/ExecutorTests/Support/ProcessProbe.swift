import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the tests look up about processes and sockets outside the code under test.
enum ProcessProbe {
    /// The pids of live etcd processes started with `--name=<member>`.
    static func etcdPIDs(member: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard isAlive(pid),
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else {
                return false
            }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.first?.hasSuffix("etcd") == true
                && arguments.contains("--name=\(member)")
        }
    }

    /// True while a process with `pid` exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix(
            "Z")
    }
}

/// Runs `body` while a listening TCP socket holds `host:port`, so nothing else can bind it.
func withPortHeld<T>(host: String, port: Int, _ body: () async throws -> T) async throws -> T {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    let bound = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard bound, listen(fd, 1) == 0 else {
        throw TestFailure("cannot hold \(host):\(port): \(String(cString: strerror(errno)))")
    }
    return try await body()
}

import Foundation
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback server, for what no HTTP client does: stay silent, or open thousands.
/// Its waits run on Dispatch threads (`runBlocking`), never on the cooperative pool the server under test needs.
/// Close it with `close()`.
struct RawSocket: Sendable {
    let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to `127.0.0.1:port`, giving up after `timeout`. A connect can block (a full accept backlog):
    /// it runs on a Dispatch thread, so thousands in a row never hold the cooperative pool that every other
    /// suite's servers and clients need (that starved in-process servers in the full suite).
    ///
    /// `sending` goes out on the same Dispatch thread right after the connect, with no suspension between
    /// them: a test of a short idle timeout must not depend on how soon a busy cooperative pool resumes it.
    static func connect(port: Int, timeout: Duration = .seconds(2), sending request: String? = nil)
        async throws -> RawSocket
    {
        try await runBlocking { () throws -> RawSocket in
            let socket = try connectBlocking(port: port, timeout: timeout)
            do {
                if let request { try socket.send(request) }
            } catch {
                socket.close()
                throw error
            }
            return socket
        }
    }

    private static func connectBlocking(port: Int, timeout: Duration) throws -> RawSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw Failure(description: "socket: \(String(cString: strerror(errno)))")
        }
        var limit = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(description: "connect to port \(port): \(reason)")
        }
        return RawSocket(fd: fd)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes {
            Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        guard sent == bytes.count else {
            throw Failure(description: "send: \(String(cString: strerror(errno)))")
        }
    }

    /// Sends `GET path` (keep-alive) and reads the whole response (it must have a `Content-Length`); returns its
    /// status line, empty when the server closed the connection without answering.
    func get(_ path: String, timeout: Duration = .seconds(2)) async throws -> String {
        try send(Self.getRequest(path))
        return await response(timeout: timeout)
    }

    /// A keep-alive `GET path`.
    static func getRequest(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    }

    /// Reads one whole response (it must have a `Content-Length`); returns its status line, empty when the
    /// server closed the connection without answering.
    func response(timeout: Duration = .seconds(2)) async -> String {
        let (data, _) = await read(until: Self.isCompleteResponse, timeout: timeout)
        return String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
    }

    /// True once `data` holds a response's head and as many body bytes as its `Content-Length` says.
    static func isCompleteResponse(_ data: Data) -> Bool {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return false }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
        let length =
            head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap {
                Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            }
            ?? 0
        return data.count - end.upperBound >= length
    }

    /// Reads until `done` says the bytes so far are enough, the peer closes, or `timeout` passes.
    func read(
        until done: @escaping @Sendable (Data) -> Bool = { _ in false }, timeout: Duration
    ) async -> (data: Data, closed: Bool) {
        let fd = self.fd
        return await runBlocking { Self.blockingRead(fd, until: done, timeout: timeout) }
    }

    private static func blockingRead(
        _ fd: Int32, until done: (Data) -> Bool, timeout: Duration
    ) -> (data: Data, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !done(data) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return (data, false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return (data, true) }
            data.append(contentsOf: buffer[0..<count])
        }
        return (data, false)
    }

    /// True when the server closes the connection within `timeout` (whatever it sent before).
    func closedByPeer(within timeout: Duration) async -> Bool {
        await read(timeout: timeout).closed
    }

    func close() {
        Glibc.close(fd)
    }
}

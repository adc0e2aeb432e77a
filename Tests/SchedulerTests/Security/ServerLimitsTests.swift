import EtcdMesosTesting
import Foundation
import HTTPServing
import Hummingbird
import Logging
import Synchronization
import Testing

/// `HTTPServer`'s limits, which every server of the binaries has: an idle timeout and a connection cap that
/// evicts idle connections, never a request in progress.
@Suite("Security: idle timeouts and connection caps")
struct ServerLimitsTests {
    /// `/slow` requests that have started.
    final class Started: Sendable {
        let count = Mutex(0)
    }

    static func server(_ limits: HTTPServerLimits, started: Started = Started()) -> HTTPServer {
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        router.get("/slow") { _, _ in
            started.count.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(1))
            return "done"
        }
        router.get("/stream") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for index in 0..<6 {
                        try await writer.write(ByteBuffer(string: "chunk \(index)\n"))
                        try await Task.sleep(for: .milliseconds(300))
                    }
                    try await writer.finish(nil)
                })
        }
        var logger = Logger(label: "server-limits-test")
        logger.logLevel = .critical
        return HTTPServer(
            name: "test", router: router, host: "127.0.0.1", port: 0, limits: limits,
            logger: logger)
    }

    @Test(
        "a connection that stays silent is closed after the idle timeout, and so is one after its answer"
    )
    func silentConnectionClosed() async throws {
        let limits = HTTPServerLimits(idleTimeout: .milliseconds(300), maxConnections: 16)
        try await Self.server(limits).withRunning { port in
            let silent = try await RawSocket.connect(port: port)
            defer { silent.close() }
            let answered = try await RawSocket.connect(
                port: port, sending: RawSocket.getRequest("/ping"))
            defer { answered.close() }
            #expect(await answered.response() == "HTTP/1.1 200 OK")
            #expect(await silent.closedByPeer(within: .seconds(3)))
            #expect(await answered.closedByPeer(within: .seconds(3)))
        }
    }

    @Test(
        "a response in progress longer than the idle timeout is not cut (Mesos streams, downloads)")
    func longResponseNotCut() async throws {
        // The response (6 × 300 ms) outlasts the idle timeout; the request goes out with the connect, so it
        // reaches the server first however loaded the machine. A cut shows as an early close, so the generous
        // read timeout only matters when the full suite starves this test.
        let limits = HTTPServerLimits(idleTimeout: .seconds(1), maxConnections: 16)
        try await Self.server(limits).withRunning { port in
            let connection = try await RawSocket.connect(
                port: port, sending: RawSocket.getRequest("/stream"))
            defer { connection.close() }
            let (data, _) = await connection.read(
                until: { $0.range(of: Data("0\r\n\r\n".utf8)) != nil }, timeout: .seconds(30))
            let text = String(decoding: data, as: UTF8.self)
            for index in 0..<6 { #expect(text.contains("chunk \(index)"), "\(text)") }
            #expect(text.hasSuffix("0\r\n\r\n"), "\(text)")
        }
    }

    @Test(
        "at the cap a new request takes the place of the connection idle longest; the others stay")
    func capEvictsTheOldestIdle() async throws {
        let limits = HTTPServerLimits(idleTimeout: nil, maxConnections: 4)
        try await Self.server(limits).withRunning { port in
            var idle: [RawSocket] = []
            defer { for socket in idle { socket.close() } }
            for _ in 0..<4 {
                let socket = try await RawSocket.connect(port: port)
                idle.append(socket)
                // Answered: counted in, and idle since then, oldest first.
                #expect(try await socket.get("/ping") == "HTTP/1.1 200 OK")
            }
            let newcomer = try await RawSocket.connect(port: port)
            defer { newcomer.close() }
            #expect(try await newcomer.get("/ping") == "HTTP/1.1 200 OK")
            #expect(await idle[0].closedByPeer(within: .seconds(2)))
            for socket in idle.dropFirst() {
                #expect(try await socket.get("/ping") == "HTTP/1.1 200 OK")
            }
        }
    }

    @Test("when every connection is busy a new one is closed at once; the busy ones finish")
    func capRefusesWhenAllBusy() async throws {
        let limits = HTTPServerLimits(idleTimeout: nil, maxConnections: 2)
        let started = Started()
        try await Self.server(limits, started: started).withRunning { port in
            var busy: [RawSocket] = []
            for _ in 0..<2 { busy.append(try await RawSocket.connect(port: port)) }
            defer { for socket in busy { socket.close() } }
            for socket in busy { try socket.send("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") }
            try await eventually(timeout: .seconds(2), "both slow requests to be in progress") {
                started.count.withLock { $0 } == 2
            }
            let refused = try await RawSocket.connect(port: port)
            defer { refused.close() }
            #expect(try await refused.get("/ping", timeout: .seconds(1)) == "")
            #expect(await refused.closedByPeer(within: .seconds(1)))
            for socket in busy {
                let (data, _) = await socket.read(
                    until: RawSocket.isCompleteResponse, timeout: .seconds(3))
                #expect(String(decoding: data, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
            }
        }
    }
}

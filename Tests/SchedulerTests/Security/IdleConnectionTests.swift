import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import Testing

/// A GET without credentials: the status only.
enum HTTPGet {
    static func status(_ url: String, timeout: Duration = .seconds(5)) async throws -> Int {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: url), timeout: .milliseconds(Int64(timeout.seconds * 1000)))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }
}

/// Idle sockets against the real scheduler's admin server: the connection cap keeps its file descriptors
/// bounded, and evicting idle connections keeps it answering.
@Suite("Security: idle connections to the admin server (scheduler binary)", .serialized)
struct IdleConnectionTests {
    static let connections = 2_000

    /// The scheduler's open file descriptors.
    static func openDescriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test(
        "2,000 idle connections, then /healthz still answers within 1 s; the scheduler holds few of them"
    )
    func idleConnectionsDoNotStarveTheAdminAPI() async throws {
        let directory = try TemporaryDirectory(prefix: "idle-connections")
        defer { directory.remove() }
        let arguments = try schedulerArguments(
            master: "127.0.0.1:\(try FreePort.allocate())",
            stateFile: directory.appending("state.json"),
            extra: [
                "-work-dir=\(directory.appending("work"))", "-admin-address=127.0.0.1",
                "-backup-interval=0",
            ])
        try await SchedulerProcess.with(
            arguments: arguments, adminPort: try FreePort.allocate(),
            logPath: directory.appending("scheduler.log")
        ) { scheduler in
            let port = Int(scheduler.adminURL.split(separator: ":").last!)!
            let baseline = Self.openDescriptors(of: scheduler.process.pid)
            var sockets: [RawSocket] = []
            sockets.reserveCapacity(Self.connections)
            defer { for socket in sockets { socket.close() } }
            let clock = ContinuousClock()
            let opening = clock.now
            for _ in 0..<Self.connections {
                sockets.append(try await RawSocket.connect(port: port, timeout: .seconds(2)))
                #expect(clock.now - opening < .seconds(60), "opening the connections took too long")
            }
            // The server has seen them all once it answers a request sent after the last one.
            let asked = clock.now
            let status = try await HTTPGet.status(
                scheduler.adminURL + "/healthz", timeout: .seconds(1))
            let took = clock.now - asked
            #expect(status == 200 || status == 503, "\(status)")
            #expect(
                took < .seconds(1),
                "/healthz took \(took) after \(Self.connections) idle connections")
            let held = Self.openDescriptors(of: scheduler.process.pid) - baseline
            #expect(held <= 300, "the scheduler holds \(held) more file descriptors than before")
            // It keeps answering, also the guarded routes.
            #expect(try await scheduler.get("/backups").status == 200)
        }
    }
}

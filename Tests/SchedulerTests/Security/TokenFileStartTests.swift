import EtcdMesosTesting
import Foundation
import ProcessControl
import Support
import Testing

/// The admin token at the scheduler's start, with the real binary: created once (0600) and reused, never
/// logged, and a token file that group or others may read stops the start, as ssh refuses such a key. No Mesos
/// master is needed: the admin API serves while the scheduler retries the master.
@Suite("Security: the admin token at start (scheduler binary)", .serialized)
struct TokenFileStartTests {
    static func arguments(in directory: TemporaryDirectory, extra: [String]) throws -> [String] {
        try schedulerArguments(
            master: "127.0.0.1:\(try FreePort.allocate())",
            stateFile: directory.appending("state.json"),
            extra: ["-backup-dir=\(directory.appending("backups"))"] + extra)
    }

    static func write(_ token: String, mode: Int, to path: String) throws {
        try Data("\(token)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// Runs the scheduler until it exits by itself (at most 30 s); its exit status and output.
    static func runToExit(_ arguments: [String], log: String) async throws -> (
        ChildProcess.ExitStatus, String
    ) {
        let process = try ChildProcess.launch(
            executable: try BuildProducts.executable("etcd-mesos-scheduler"),
            arguments: arguments + ["-admin-port=\(try FreePort.allocate())"], outputPath: log)
        guard let status = await process.waitForExit(timeout: .seconds(30)) else {
            _ = await process.terminate(gracePeriod: .zero)
            throw SchedulerTestError("the scheduler started with a token file others may read")
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test("a 0644 -admin-token-file stops the start: non-zero exit naming the file and chmod 600")
    func readableTokenFileRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "token-start")
        defer { directory.remove() }
        let tokenFile = directory.appending("token")
        try Self.write("s3cret-token", mode: 0o644, to: tokenFile)
        let (status, output) = try await Self.runToExit(
            try Self.arguments(in: directory, extra: ["-admin-token-file=\(tokenFile)"]),
            log: directory.appending("scheduler.log"))
        #expect(status != .exited(0), "\(status)")
        #expect(output.contains("-admin-token-file=\(tokenFile)"), "\(output)")
        #expect(output.contains("readable by group or others (mode 0644)"), "\(output)")
        #expect(output.contains("chmod 600 \(tokenFile)"), "\(output)")
        #expect(!output.contains("s3cret-token"))
        // Stopped before anything was written.
        #expect(!FileManager.default.fileExists(atPath: directory.appending("state.json")))
        #expect(!FileManager.default.fileExists(atPath: directory.appending("backups")))
    }

    @Test(
        "a generated token file made readable by others stops the start too; it is left as it was")
    func readableGeneratedTokenRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "token-start")
        defer { directory.remove() }
        let work = directory.appending("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let tokenFile = work + "/admin-token"
        try Self.write("generated-earlier", mode: 0o644, to: tokenFile)
        let (status, output) = try await Self.runToExit(
            try Self.arguments(in: directory, extra: ["-work-dir=\(work)"]),
            log: directory.appending("scheduler.log"))
        #expect(status != .exited(0), "\(status)")
        #expect(output.contains("the admin token file \(tokenFile) is readable by group or others"))
        #expect(output.contains("chmod 600 \(tokenFile)"), "\(output)")
        #expect(try String(contentsOfFile: tokenFile, encoding: .utf8) == "generated-earlier\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appending("state.json")))
    }

    @Test(
        "the generated token file is 0600, logged by path but never by content, and reused at restart"
    )
    func generatedTokenIsPrivateAndReused() async throws {
        let directory = try TemporaryDirectory(prefix: "token-start")
        defer { directory.remove() }
        let work = directory.appending("work")
        let tokenFile = work + "/admin-token"
        let arguments = try Self.arguments(in: directory, extra: ["-work-dir=\(work)"])
        let adminPort = try FreePort.allocate()
        var tokens: [String] = []
        for run in 1...2 {
            let log = directory.appending("scheduler-\(run).log")
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: adminPort, logPath: log
            ) { scheduler in
                let token = try AdminTokenFile.read(tokenFile)
                tokens.append(token)
                let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
                #expect(attributes[.posixPermissions] as? Int == 0o600)
                #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
                #expect(try await scheduler.get("/backups").status == 200)
                let anonymous = try await HTTPGet.status(scheduler.adminURL + "/backups")
                #expect(anonymous == 401)
                let output = try String(contentsOfFile: log, encoding: .utf8)
                #expect(output.contains(tokenFile), "the log does not say where the token is")
                #expect(!output.contains(token), "the log shows the token")
                #expect(
                    output.contains(
                        run == 1
                            ? "created the admin API token" : "the one created at the first start"),
                    "\(output)")
            }
        }
        #expect(tokens.count == 2 && tokens[0] == tokens[1])
    }
}

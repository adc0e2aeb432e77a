import EtcdMesosTesting
import Foundation
import Testing

/// The CLI's admin token: `--token-file`, read as the scheduler reads its own (refused when others may read
/// it), or `ETCD_MESOS_ADMIN_TOKEN`; sent on every request, since backups are the token's to read.
extension RestoreCLITests {
    static func tokenFile(_ token: String, mode: Int, in directory: TemporaryDirectory) throws
        -> String
    {
        let path = directory.appending("admin-token")
        try Data("\(token)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test(
        "a --token-file others may read: usage exit 2 naming the file and chmod 600; nothing is asked"
    )
    func readableTokenFileRefused() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(backups: [fixture.newer], adminToken: "t0ken", restore: .acceptAndStall))
        let directory = try TemporaryDirectory(prefix: "restore-token")
        defer { directory.remove() }
        let tokenFile = try Self.tokenFile("t0ken", mode: 0o644, in: directory)
        try await stub.withServer { url in
            for arguments in [
                ["list", url, "--token-file", tokenFile],
                ["seed", fixture.newer.id, "--scheduler", url, "--token-file", tokenFile],
            ] {
                let result = try await runRestoreCLI(arguments)
                #expect(result.exitCode == 2, "\(arguments[0]): \(result)")
                #expect(
                    result.stderr.contains(
                        "--token-file \(tokenFile) is readable by group or others"),
                    "\(result)")
                #expect(result.stderr.contains("chmod 600 \(tokenFile)"), "\(result)")
                #expect(!result.stderr.contains("t0ken\n"))
            }
        }
        #expect(stub.requests.isEmpty)
    }

    @Test("list <scheduler> sends the token from --token-file or ETCD_MESOS_ADMIN_TOKEN")
    func listSendsToken() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(
                backups: [fixture.newer], adminToken: "t0ken", restore: .acceptAndStall,
                guardsBackups: true))
        let directory = try TemporaryDirectory(prefix: "restore-token")
        defer { directory.remove() }
        let tokenFile = try Self.tokenFile("  t0ken  ", mode: 0o600, in: directory)
        try await stub.withServer { url in
            let fromFile = try await runRestoreCLI(["list", url, "--token-file", tokenFile])
            #expect(fromFile.exitCode == 0, "\(fromFile)")
            #expect(fromFile.stdout.contains(fixture.newer.id))
            let fromEnvironment = try await runRestoreCLI(
                ["list", url], environment: ["ETCD_MESOS_ADMIN_TOKEN": "t0ken\n"])
            #expect(fromEnvironment.exitCode == 0, "\(fromEnvironment)")
        }
        #expect(stub.authorizations == ["Bearer t0ken", "Bearer t0ken"])
    }

    @Test("list <scheduler> without the token exits 3 and says how to pass it")
    func listWithoutToken() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(
                backups: [fixture.newer], adminToken: "t0ken", restore: .acceptAndStall,
                guardsBackups: true))
        try await stub.withServer { url in
            let result = try await runRestoreCLI(["list", url])
            #expect(result.exitCode == 3, "\(result)")
            #expect(result.stderr.contains("needs the admin token (401"), "\(result)")
            #expect(result.stderr.contains("--token-file"), "\(result)")
            #expect(result.stderr.contains("ETCD_MESOS_ADMIN_TOKEN"), "\(result)")
            #expect(!result.stdout.contains(fixture.newer.id))
        }
    }
}

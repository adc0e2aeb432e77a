import EtcdMesosTesting
import Foundation
import Testing

extension RestoreCLITests {
    @Test("list <scheduler URL> prints the scheduler's backups as a table and as JSON")
    func listScheduler() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(
                backups: [fixture.newer, fixture.older], adminToken: nil, restore: .acceptAndStall))
        try await stub.withServer { url in
            let table = try await runRestoreCLI(["list", url])
            #expect(table.exitCode == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.count == 3, "\(table)")
            #expect(
                lines.dropFirst().map { String($0.prefix { $0 != " " }) } == [
                    fixture.newer.id, fixture.older.id,
                ])

            let json = try await runRestoreCLI(["list", url + "/", "--json"])
            #expect(json.exitCode == 0, "\(json)")
            let listed =
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            #expect(listed?.map { $0["id"] as? String } == [fixture.newer.id, fixture.older.id])
        }
        #expect(stub.requests == ["GET /backups", "GET /backups"])
    }

    @Test("list of an unreachable scheduler exits 3")
    func listUnreachableScheduler() async throws {
        let url = "http://127.0.0.1:\(try FreePort.allocate())"
        let result = try await runRestoreCLI(["list", url, "--json"])
        #expect(result.exitCode == 3, "\(result)")
        #expect(result.stderr.contains("cannot reach the scheduler at \(url)"), "\(result)")
        #expect(try result.jsonObject()["ok"] as? Bool == false)
    }

    @Test("--help of every subcommand documents the exit codes")
    func helpDocumentsExitCodes() async throws {
        for arguments in [
            ["--help"], ["list", "--help"], ["verify", "--help"], ["inspect", "--help"],
            ["data-dir", "--help"],
            ["seed", "--help"],
        ] {
            let result = try await runRestoreCLI(arguments)
            #expect(result.exitCode == 0, "\(arguments): \(result)")
            for line in [
                "Exit codes:", "0    success", "2    usage",
                "3    the scheduler or the object store is unreachable",
                "4    timeout",
                "130  interrupted",
            ] {
                #expect(result.stdout.contains(line), "\(arguments) lacks \(line)")
            }
        }
        let usage = try await runRestoreCLI(["verify"])
        #expect(usage.exitCode == 2, "\(usage)")
        #expect(usage.stderr.contains("Missing expected argument '<archive>'"), "\(usage)")
    }
}

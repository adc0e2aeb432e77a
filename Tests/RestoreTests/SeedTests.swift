import Backup
import EtcdMesosTesting
import Foundation
import Testing

extension RestoreCLITests {
    @Test("seed against an unreachable scheduler names it, exits 3, and changes nothing")
    func seedUnreachableScheduler() async throws {
        let fixture = try BackupFixture.require()
        let url = "http://127.0.0.1:\(try FreePort.allocate())"
        let before = try DirectoryState(of: fixture.directory)
        for backup in [fixture.newerArchive, fixture.newer.id] {
            let result = try await runRestoreCLI(["seed", backup, "--scheduler", url])
            #expect(result.exitCode == 3, "\(result)")
            #expect(
                result.stderr.contains("cannot reach the scheduler at \(url): connection refused"),
                "\(result)")
            #expect(
                result.seconds < 10, "refused connections are reported at once, not after retries")
        }
        #expect(try DirectoryState(of: fixture.directory) == before)
    }

    @Test("seed with a wrong or missing admin token says so, exits 3, and changes nothing")
    func seedWrongToken() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(backups: [fixture.newer], adminToken: "right-token", restore: .acceptAndStall))
        let tokens = try TemporaryDirectory(prefix: "restore-token")
        defer { tokens.remove() }
        let tokenFile = tokens.appending("token")
        try Data("wrong-token\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        // Like ssh with a key, the CLI refuses a token file others may read.
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let before = try DirectoryState(of: fixture.directory)
        try await stub.withServer { url in
            let wrong = try await runRestoreCLI([
                "seed", fixture.newerArchive, "--scheduler", url, "--token-file", tokenFile,
            ])
            #expect(wrong.exitCode == 3, "\(wrong)")
            #expect(
                wrong.stderr.contains(
                    "the scheduler at \(url) rejected the admin token (401: this endpoint needs the admin token"
                ),
                "\(wrong)")
            #expect(wrong.stderr.contains("check --token-file"), "\(wrong)")

            let missing = try await runRestoreCLI([
                "seed", fixture.newer.id, "--scheduler", url, "--json",
            ])
            #expect(missing.exitCode == 3, "\(missing)")
            #expect(missing.stderr.contains("needs the admin token (401"), "\(missing)")
            let last = try #require(try missing.jsonLines().last)
            #expect(last["event"] as? String == "error")
            #expect(last["exit_code"] as? Int == 3)
        }
        #expect(stub.restoreCalls.map(\.authorization) == ["Bearer wrong-token", nil])
        #expect(stub.restoreCalls.first?.body == #"{"backup":"\#(fixture.newer.id)"}"#)
        #expect(try DirectoryState(of: fixture.directory) == before)
    }

    @Test(
        "seed of a local archive the scheduler does not hold says how to fix it, exits 1, and requests nothing"
    )
    func seedArchiveNotOnScheduler() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(backups: [fixture.older], adminToken: nil, restore: .acceptAndStall))
        try await stub.withServer { url in
            let result = try await runRestoreCLI(["seed", fixture.newerArchive, "--scheduler", url])
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("does not hold backup \(fixture.newer.id)"), "\(result)")
            #expect(
                result.stderr.contains("seeding needs a backup the scheduler holds"), "\(result)")
            #expect(
                result.stderr.contains(
                    "run `etcd-mesos-restore seed \(fixture.newer.id) --scheduler \(url)`"),
                "\(result)")
        }
        #expect(stub.restoreCalls.isEmpty)
    }

    @Test("seed of a corrupt local archive fails before it asks the scheduler anything")
    func seedCorruptArchive() async throws {
        let fixture = try BackupFixture.require()
        let files = try TemporaryDirectory(prefix: "restore-seed-bad")
        defer { files.remove() }
        let archive = try BadArchive.corrupt.make(in: files.path, from: fixture)
        let stub = SchedulerStub(
            .init(backups: [fixture.newer], adminToken: nil, restore: .acceptAndStall))
        try await stub.withServer { url in
            let result = try await runRestoreCLI(["seed", archive, "--scheduler", url])
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stderr.contains("\(archive) is corrupt"), "\(result)")
        }
        #expect(stub.requests.isEmpty)
    }

    @Test(
        "seed of another cluster's backup is refused unless --force; the scheduler's refusal exits 1"
    )
    func seedWrongCluster() async throws {
        let fixture = try BackupFixture.require()
        var foreign = fixture.older
        foreign.id = "payments-20240101T000000Z-r9"
        foreign.clusterName = "payments"
        // The scheduler runs "payments": its other backups say so.
        let stub = SchedulerStub(
            .init(
                backups: [foreign, fixture.newer], adminToken: nil,
                restore: .refuse("2 members still run")))
        try await stub.withServer { url in
            let refused = try await runRestoreCLI(["seed", fixture.newer.id, "--scheduler", url])
            #expect(refused.exitCode == 1, "\(refused)")
            #expect(
                refused.stderr.contains(
                    "backup \(fixture.newer.id) belongs to cluster \"\(BackupFixture.clusterName)\", "
                        + "but the scheduler runs cluster \"payments\"; pass --force"
                ),
                "\(refused)")
            #expect(stub.restoreCalls.isEmpty)

            let forced = try await runRestoreCLI([
                "seed", fixture.newer.id, "--scheduler", url, "--force",
            ])
            #expect(forced.exitCode == 1, "\(forced)")
            #expect(
                forced.stderr.contains("warning: --force: going ahead although backup"), "\(forced)"
            )
            #expect(
                forced.stderr.contains("the scheduler refused the restore: 2 members still run"),
                "\(forced)")
            #expect(stub.restoreCalls.count == 1)
        }
    }

    @Test(
        "seed follows the scheduler until healthy and checks the revision on a real member restored from the backup"
    )
    func seedFollowsUntilHealthy() async throws {
        let fixture = try BackupFixture.require()
        let binaries = EtcdBinaries.debian
        let parent = try TemporaryDirectory(prefix: "restore-seed")
        defer { parent.remove() }
        let peerURL = "http://127.0.0.1:\(try FreePort.allocate())"
        let clientURL = "http://127.0.0.1:\(try FreePort.allocate())"
        let dataDir = parent.appending("m1.etcd")
        // The member the scheduler would have started: restored from the same backup by the CLI itself.
        let restored = try await runRestoreCLI([
            "data-dir", fixture.newerArchive, "--name", "m1", "--initial-cluster", "m1=\(peerURL)",
            "--initial-advertise-peer-urls", peerURL, "--data-dir", dataDir,
        ])
        try #require(restored.exitCode == 0, "\(restored)")
        try await withEtcdOnDataDir(
            dataDir, name: "m1", peerURL: peerURL, clientURL: clientURL, binaries: binaries,
            logPath: parent.appending("etcd.log")
        ) { clientURL in
            let stub = SchedulerStub(
                .init(
                    backups: [fixture.newer, fixture.older], adminToken: "t0ken",
                    restore: .accept(members: [
                        ["name": "m1", "host": "127.0.0.1", "clientURL": clientURL]
                    ])))
            let tokenFile = parent.appending("token")
            try Data("t0ken".utf8).write(to: URL(fileURLWithPath: tokenFile))
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o600], ofItemAtPath: tokenFile)
            try await stub.withServer { url in
                let result = try await runRestoreCLI([
                    "seed", fixture.newerArchive, "--scheduler", url, "--token-file", tokenFile,
                    "--json",
                    "--poll-interval", "100ms", "--timeout", "20s",
                ])
                #expect(result.exitCode == 0, "\(result)")
                let events = try result.jsonLines()
                #expect(events.map { $0["event"] as? String }.first == "verified")
                #expect(
                    events.contains {
                        $0["event"] as? String == "requested"
                            && $0["outcome"] as? String == "accepted"
                    })
                #expect(
                    events.contains {
                        $0["event"] as? String == "progress" && $0["healthy"] as? Int == 1
                    })
                let done = try #require(events.last)
                #expect(done["event"] as? String == "done", "\(result)")
                #expect(done["snapshot_revision"] as? Int == Int(fixture.newer.revision))
                #expect((done["cluster_revision"] as? Int ?? 0) >= Int(fixture.newer.revision))
                #expect((done["member_revisions"] as? [String: Int])?.keys.sorted() == ["m1"])
            }
            #expect(stub.restoreCalls.map(\.authorization) == ["Bearer t0ken"])
        }
    }

    @Test("seed gives up after --timeout when the cluster never becomes healthy, and exits 4")
    func seedTimesOut() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(backups: [fixture.newer], adminToken: nil, restore: .acceptAndStall))
        try await stub.withServer { url in
            let result = try await runRestoreCLI([
                "seed", fixture.newer.id, "--scheduler", url, "--timeout", "1s", "--poll-interval",
                "100ms",
            ])
            #expect(result.exitCode == 4, "\(result)")
            #expect(
                result.stderr.contains(
                    "timed out after 1s waiting for every member to run and the cluster to be healthy"
                ), "\(result)")
            #expect(
                result.stderr.contains(
                    "last seen: phase awaiting_operator, 0/1 running, healthy 0"), "\(result)")
        }
    }
}

extension RestoreCLITests {
    @Test(
        "seed interrupted while it follows an accepted restore says that the scheduler carries on, and exits 130"
    )
    func seedInterruptedWhileFollowing() async throws {
        let fixture = try BackupFixture.require()
        let stub = SchedulerStub(
            .init(backups: [fixture.newer], adminToken: nil, restore: .acceptAndStall))
        try await stub.withServer { url in
            let result = try await runRestoreCLI(
                ["seed", fixture.newer.id, "--scheduler", url, "--poll-interval", "100ms"],
                interruptWhen: {
                    // Once the CLI polls /stats after its request, it follows an accepted restore.
                    let requests = stub.requests
                    guard let post = requests.firstIndex(of: "POST /restore") else { return false }
                    return requests[(post + 1)...].contains("GET /stats")
                })
            #expect(result.exitCode == 130, "\(result)")
            #expect(
                result.stderr.contains(
                    "the scheduler at \(url) goes on restoring backup \(fixture.newer.id)"),
                "\(result)")
        }
    }
}

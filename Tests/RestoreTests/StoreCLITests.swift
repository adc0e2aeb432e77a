import Backup
import EtcdMesosTesting
import Foundation
import ObjectStore
import Testing

extension RestoreCLITests {
    /// The fixture's two backups in a SeaweedFS bucket under `restore/`, and a damaged copy of the newer one
    /// under `damaged/` (its sidecar, its archive less its last 100 bytes).
    static func withStoredFixture(
        _ body: (SeaweedFSServer, BackupFixture) async throws -> Void
    ) async throws {
        let fixture = try BackupFixture.require()
        try await withSeaweedFS { server in
            let remote = RemoteBackups(
                location: S3Location(bucket: "etcd-backups", prefix: "restore"),
                endpoint: try S3Endpoint(parsing: server.endpoint), region: SeaweedFSServer.region,
                credentials: S3Credentials(
                    accessKeyID: SeaweedFSServer.accessKeyID,
                    secretAccessKey: SeaweedFSServer.secretAccessKey),
                cache: BackupStore(directory: fixture.directory))
            try await remote.client.createBucket()
            #expect(await remote.uploadPending().count == 2)
            let archive = try #require(FileManager.default.contents(atPath: fixture.newerArchive))
            try await remote.client.putObject(
                archive.dropLast(100), key: "damaged/\(fixture.newer.archiveFileName)")
            try await remote.client.putObject(
                try fixture.newer.encoded(), key: "damaged/\(fixture.newer.archiveFileName).json")
            try await body(server, fixture)
        }
    }

    static func storeArguments(_ server: SeaweedFSServer) -> [String] {
        ["--store-endpoint", server.endpoint]
    }

    static let storeEnvironment = [
        "AWS_ACCESS_KEY_ID": SeaweedFSServer.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": SeaweedFSServer.secretAccessKey,
    ]

    @Test(
        "list, verify, inspect and data-dir take s3://bucket/prefix[/id] and leave no temporary file"
    )
    func storeArguments() async throws {
        try await Self.withStoredFixture { server, fixture in
            let scratch = try TemporaryDirectory(prefix: "restore-store")
            defer { scratch.remove() }
            let store = Self.storeArguments(server)
            func run(_ arguments: [String]) async throws -> CLIResult {
                try await runRestoreCLI(
                    arguments + store, temporaryDirectory: scratch.path,
                    environment: Self.storeEnvironment)
            }

            let listed = try await run(["list", "s3://etcd-backups/restore", "--json"])
            #expect(listed.exitCode == 0, "\(listed)")
            let ids = try
                (JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?
                .compactMap { $0["id"] as? String }
            #expect(ids == [fixture.newer.id, fixture.older.id])

            let verified = try await run([
                "verify", "s3://etcd-backups/restore/\(fixture.newer.id)",
            ])
            #expect(verified.exitCode == 0, "\(verified)")
            #expect(
                verified.stdout.contains(
                    "backup \(fixture.newer.id) of cluster \(BackupFixture.clusterName) (epoch 2) is good"
                ),
                "\(verified)")

            let inspected = try await run([
                "inspect", "s3://etcd-backups/restore/\(fixture.older.archiveFileName)", "--json",
            ])
            #expect(inspected.exitCode == 0, "\(inspected)")
            #expect(try inspected.jsonObject()["id"] as? String == fixture.older.id)

            let dataDir = scratch.appending("r1.etcd")
            let peerURL = "http://127.0.0.1:\(try FreePort.allocate())"
            let restored = try await run([
                "data-dir", "s3://etcd-backups/restore/\(fixture.newer.id)", "--name", "r1",
                "--initial-cluster", "r1=\(peerURL)", "--initial-advertise-peer-urls", peerURL,
                "--data-dir", dataDir, "--json",
            ])
            #expect(restored.exitCode == 0, "\(restored)")
            #expect(try restored.jsonObject()["backup"] as? String == fixture.newer.id)
            #expect(FileManager.default.fileExists(atPath: dataDir + "/member/snap/db"))
            try FileManager.default.removeItem(atPath: dataDir)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        }
    }

    @Test(
        "a damaged object, wrong credentials, no endpoint, an unknown ID: each named, nothing left behind"
    )
    func storeRefusals() async throws {
        try await Self.withStoredFixture { server, fixture in
            let scratch = try TemporaryDirectory(prefix: "restore-store-bad")
            defer { scratch.remove() }
            let store = Self.storeArguments(server)

            let damaged = try await runRestoreCLI(
                ["verify", "s3://etcd-backups/damaged/\(fixture.newer.id)"] + store,
                temporaryDirectory: scratch.path, environment: Self.storeEnvironment)
            #expect(damaged.exitCode == 1, "\(damaged)")
            #expect(
                damaged.stderr.contains("truncated") || damaged.stderr.contains("bytes"),
                "\(damaged)")

            let intruder = try await runRestoreCLI(
                ["list", "s3://etcd-backups/restore"] + store, temporaryDirectory: scratch.path,
                environment: ["AWS_ACCESS_KEY_ID": "intruder", "AWS_SECRET_ACCESS_KEY": "guess"])
            #expect(intruder.exitCode == 3, "\(intruder)")
            #expect(intruder.stderr.contains("refused the credentials"), "\(intruder)")

            let noEndpoint = try await runRestoreCLI(
                ["verify", "s3://etcd-backups/restore/\(fixture.newer.id)"],
                temporaryDirectory: scratch.path, environment: Self.storeEnvironment)
            #expect(noEndpoint.exitCode == 2, "\(noEndpoint)")
            #expect(noEndpoint.stderr.contains("--store-endpoint"), "\(noEndpoint)")

            let unknown = try await runRestoreCLI(
                ["verify", "s3://etcd-backups/restore/restore-test-20200101T000000Z-r1"] + store,
                temporaryDirectory: scratch.path, environment: Self.storeEnvironment)
            #expect(unknown.exitCode == 1, "\(unknown)")

            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        }
    }
}

import Backup
import EtcdMesosTesting
import Foundation
import Logging
import ObjectStore
import ProcessControl

/// `store [--size-mb N] [--rounds N] [--encrypt]`: a backup into an object store against the reference a user
/// would script: `etcdctl snapshot save` of the db, then `curl --aws-sigv4 … -T` of the saved file into the same
/// store. Starts SeaweedFS (`weed mini`) and one etcd 3.4 member in temporary directories, loads N MB (default
/// 210), and in alternating rounds times both; ours is the scheduler's path: snapshot → hash check → zstd → tar
/// → durable file, then the upload (multipart, checked) and its sidecar. Prints the medians and ours ÷ reference
/// (goal ≤ 1.0). Everything it starts is stopped and removed.
struct StoreBenchmark {
    static let usage = "usage: bench-backup store [--size-mb N] [--rounds N] [--encrypt]"

    var sizeMB = 210
    var rounds = 3
    var encrypt = false

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--encrypt" {
                encrypt = true
                continue
            }
            guard let value = rest.popFirst().flatMap({ Int($0) }) else {
                throw BenchmarkError("\(flag) needs a number\n\(Self.usage)")
            }
            switch flag {
            case "--size-mb": sizeMB = value
            case "--rounds": rounds = max(1, value)
            default: throw BenchmarkError("unknown flag \(flag)\n\(Self.usage)")
            }
        }
    }

    func run() async throws {
        guard let curl = ChildProcess.findExecutable("curl") else {
            throw BenchmarkError("no curl")
        }
        guard let binaries = EtcdBinaries.available.first else { throw BenchmarkError("no etcd") }
        try await withSeaweedFS { server in
            try await withEtcdCluster(members: 1, binaries: binaries) { cluster in
                try await measure(server: server, cluster: cluster, binaries: binaries, curl: curl)
            }
        }
    }

    private func measure(
        server: SeaweedFSServer, cluster: EtcdCluster, binaries: EtcdBinaries, curl: String
    ) async throws {
        let endpoint = cluster.members[0].clientURL
        let scratch = cluster.directory + "/bench-store"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let credentials = S3Credentials(
            accessKeyID: SeaweedFSServer.accessKeyID,
            secretAccessKey: SeaweedFSServer.secretAccessKey)
        let s3Endpoint = try S3Endpoint(parsing: server.endpoint)
        let bucket = S3Client(
            endpoint: s3Endpoint, bucket: "bench", region: SeaweedFSServer.region,
            credentials: credentials)
        try await bucket.createBucket()
        let dbSize = try await DataLoader(megabytes: sizeMB).load(into: endpoint)
        let version = try await binaries.version()
        print(
            "bench-backup store: etcd \(version), db \(mb(dbSize)), SeaweedFS on loopback, "
                + "\(rounds) rounds\(encrypt ? ", archives encrypted (AES-256-GCM)" : "")")

        var logger = Logger(label: "bench-store")
        logger.logLevel = .warning
        let key =
            encrypt
            ? try BackupEncryptionKey(bytes: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
            : nil
        var referenceTimes: [Duration] = []
        var ourTimes: [Duration] = []
        for round in 1...rounds {
            // The reference: save, then upload the saved file with curl's own SigV4.
            let file = scratch + "/etcdctl-\(round).db"
            let save = try await timed {
                _ = try await binaries.etcdctl(
                    ["--endpoints=\(endpoint)", "snapshot", "save", file], timeout: .seconds(300))
            }
            let upload = try await timed {
                let output = scratch + "/curl.out"
                let child = try ChildProcess.launch(
                    executable: curl,
                    arguments: [
                        "-sS", "--fail", "--aws-sigv4", "aws:amz:\(SeaweedFSServer.region):s3",
                        "--user",
                        "\(credentials.accessKeyID):\(credentials.secretAccessKey)", "-T", file,
                        "\(server.endpoint)/bench/reference/\(round).db",
                    ], outputPath: output)
                let status = await child.waitForExit()
                guard status.isSuccess else {
                    throw BenchmarkError(
                        "curl \(status): \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")"
                    )
                }
            }
            let reference = save + upload
            try? FileManager.default.removeItem(atPath: file)

            // Ours: the scheduler's backup, then its upload to the store.
            let cache = scratch + "/ours-\(round)"
            try FileManager.default.createDirectory(
                atPath: cache, withIntermediateDirectories: true)
            let remote = RemoteBackups(
                location: S3Location(bucket: "bench", prefix: "ours/\(round)"),
                endpoint: s3Endpoint,
                region: SeaweedFSServer.region, credentials: credentials,
                cache: BackupStore(directory: cache), encryptionKey: key, logger: logger)
            var archiveSize: UInt64 = 0
            var snapshotTime = Duration.zero
            let ours = try await timed {
                snapshotTime = try await timed {
                    let manifest = try await EtcdSnapshotBackup(
                        archiver: SnapshotArchiver(directory: cache, toolVersion: "bench-backup"),
                        callTimeout: .seconds(30), logger: logger
                    ).take(
                        of: BackupTarget(
                            clusterName: "bench", clusterEpoch: 1,
                            members: [BackupSourceCandidate(endpoint: endpoint)]))
                    archiveSize = manifest.archiveSize ?? 0
                }
                let uploaded = await remote.uploadPending()
                guard uploaded.count == 1 else {
                    throw BenchmarkError(
                        "upload failed: \(await remote.currentStatistics().lastError ?? "?")")
                }
            }
            try? FileManager.default.removeItem(atPath: cache)
            referenceTimes.append(reference)
            ourTimes.append(ours)
            print(
                "  round \(round): reference \(format(reference)) (save \(format(save)) + curl -T \(format(upload)) "
                    + "of \(mb(dbSize))); ours \(format(ours)) (snapshot to archive \(format(snapshotTime)) "
                    + "+ upload of \(mb(Int64(archiveSize))))")
        }
        let referenceMedian = median(referenceTimes)
        let ourMedian = median(ourTimes)
        let ratio = ourMedian.seconds / referenceMedian.seconds
        print("  median: reference \(format(referenceMedian)), ours \(format(ourMedian))")
        print(
            "  wall time ours ÷ (etcdctl snapshot save + curl -T): \(String(format: "%.2f", ratio)) "
                + "(goal ≤ 1.0) \(ratio <= 1.0 ? "ok" : "MISSED")")
    }

    private func timed(_ body: () async throws -> Void) async throws -> Duration {
        try await Measure.timed(body)
    }
    private func median(_ values: [Duration]) -> Duration { Measure.median(values) }
    private func format(_ duration: Duration) -> String { Measure.format(duration) }
    private func mb(_ bytes: Int64) -> String { Measure.mb(bytes) }
}

import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import Hummingbird
import Logging

/// A real backup archive for restore tests, made by the Backup target's own pipeline from a real etcd.
struct BackupFixture: Sendable {
    /// The `.tar.zst` file.
    let archivePath: String
    /// Its sidecar manifest (with the archive's size and SHA-256).
    let manifest: BackupManifest
    /// Every key the cluster held when the snapshot was taken, with its value.
    let keys: [String: String]
    /// A key written after the snapshot, which a restore must not bring back.
    let keyAfterSnapshot: String
    /// A directory for more files of the test (a corrupted copy of the archive, …).
    let scratch: String
}

/// Starts a one-member etcd of `binaries`, writes `count` keys, backs it up with `BackupService`, writes one more
/// key, stops etcd, and runs `body` with the archive; every file is removed afterwards.
func withBackupFixture<T>(
    binaries: EtcdBinaries = .debian, keys count: Int = 50,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (BackupFixture) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: "executor-restore")
    defer { directory.remove() }
    let backups = directory.appending("backups")
    let scratch = directory.appending("scratch")
    for path in [backups, scratch] {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    let fixture = try await withEtcdCluster(members: 1, binaries: binaries) { cluster in
        let endpoint = cluster.members[0].clientURL
        let keys = Dictionary(
            uniqueKeysWithValues: (0..<count).map { ("restore/\(1000 + $0)", "value-\($0)") })
        try await EtcdClient.withClient(endpoint: endpoint) { client in
            for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                try await client.put(key, value: value)
            }
        }
        var logger = Logger(label: "executor-tests-backup")
        logger.logLevel = .warning
        let service = try BackupService(
            configuration: BackupServiceConfiguration(directory: backups, interval: nil),
            logger: logger
        ) {
            BackupTarget(
                clusterName: "restore-test", clusterEpoch: 1,
                members: [BackupSourceCandidate(endpoint: endpoint, name: cluster.members[0].name)])
        }
        let manifest = try await service.takeBackup()
        let later = "restore/after-snapshot"
        try await EtcdClient.withClient(endpoint: endpoint) { client in
            try await client.put(later, value: "late")
        }
        return BackupFixture(
            archivePath: backups + "/" + manifest.archiveFileName, manifest: manifest, keys: keys,
            keyAfterSnapshot: later, scratch: scratch)
    }
    return try await body(fixture)
}

extension BackupFixture {
    /// A copy of the archive with bytes in its middle flipped (the same size: only the checks can tell).
    func corruptedCopy() throws -> String {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archivePath))
        let middle = bytes.count / 2
        for index in middle..<min(bytes.count, middle + 64) { bytes[index] ^= 0x5a }
        let path = scratch + "/corrupt.tar.zst"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Serves files as the scheduler's admin API serves backups (`GET /backups/<id>` → the archive, 404 for an unknown
/// id) on a free port of 127.0.0.1 while `body` runs; `body` gets the base URL (`http://127.0.0.1:PORT`).
func withArchiveServer<T: Sendable>(
    files: [String: String], _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let router = Router()
    router.get("/backups/{id}") { _, context -> Response in
        guard let path = files[context.parameters.get("id") ?? ""] else {
            let error = ByteBuffer(string: #"{"error":"no such backup"}"#)
            return Response(status: .notFound, body: ResponseBody(byteBuffer: error))
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zstd", .contentLength: String(body.contentLength ?? 0),
            ],
            body: body)
    }
    return try await withTestServer(router, body)
}

/// Serves `router` on a free port of 127.0.0.1 while `body` runs; `body` gets the base URL.
func withTestServer<T: Sendable>(
    _ router: Router<BasicRequestContext>, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    var logger = Logger(label: "executor-tests-archive-server")
    logger.logLevel = .critical
    let (bound, boundInput) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            boundInput.yield(channel.localAddress?.port ?? 0)
            boundInput.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { boundInput.finish() }
            try await app.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw TestFailure("the archive server stopped before it listened")
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body("http://127.0.0.1:\(port)"))
        } catch {
            result = .failure(error)
        }
        group.cancelAll()
        try? await group.waitForAll()
        return try result.get()
    }
}

extension ExecutorTestCluster {
    /// The sandboxes of the executor runs of `member` (one per run).
    func sandboxes(of member: String) -> [String] {
        let root = URL(fileURLWithPath: workDirectory)
        let entries =
            FileManager.default.enumerator(atPath: workDirectory)?.compactMap { $0 as? String }
            ?? []
        return entries.filter { path in
            let parts = path.split(separator: "/")
            let count = parts.count
            return count >= 4 && parts[count - 4] == "executors" && parts[count - 3] == member
                && parts[count - 2] == "runs"
        }.map { root.appendingPathComponent($0).path }
    }
}

/// The hex SHA-256 of a file, by `sha256sum`.
func sha256Hex(ofFile path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

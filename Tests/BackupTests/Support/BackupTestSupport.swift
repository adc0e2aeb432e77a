import Backup
import Crypto
import EtcdClient
import EtcdMesosTesting
import Foundation
import Logging
import ProcessControl
import Support

/// Runs `body` with a fresh backup directory (inside a temporary directory that also has room for scratch files),
/// removed afterwards on every path.
@discardableResult
func withBackupDirectory<T>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (_ backups: String, _ scratch: String) async throws -> T
) async throws -> T {
    let temporary = try TemporaryDirectory(prefix: "backup-tests")
    defer { temporary.remove() }
    let backups = temporary.appending("backups")
    let scratch = temporary.appending("scratch")
    try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    return try await body(backups, scratch)
}

/// The files in `directory`, hidden ones included, sorted.
func filesIn(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

/// Writes `count` keys `prefix0000…` whose values are `valueBytes` of compressible, JSON-like text, `parallel` puts
/// at a time; returns the values by key.
///
/// A connection makes at most 100 calls: etcd's gRPC server answers data with PINGs, and swift-nio-http2 closes a
/// connection that receives more than 200 control frames in 30 s.
@discardableResult
func writeKeys(
    count: Int, valueBytes: Int, prefix: String, to endpoint: String, parallel: Int = 8
) async throws -> [String: String] {
    let values = (0..<count).map { index in
        (String(format: "%@%04d", prefix, index), sampleValue(seed: index, bytes: valueBytes))
    }
    for batch in stride(from: 0, to: values.count, by: 100) {
        let slice = Array(values[batch..<min(values.count, batch + 100)])
        try await EtcdClient.withClient(endpoint: endpoint, callTimeout: .seconds(20)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func submit() {
                    guard next < slice.count else { return }
                    let (key, value) = slice[next]
                    next += 1
                    group.addTask { try await putRetrying(client, key, value) }
                }
                for _ in 0..<parallel { submit() }
                while try await group.next() != nil { submit() }
            }
        }
    }
    return Dictionary(uniqueKeysWithValues: values)
}

/// A put, retried when the connection was cut under it (see `writeKeys`); the same value again is harmless.
func putRetrying(_ client: EtcdClient, _ key: String, _ value: String) async throws {
    for attempt in 1...5 {
        do {
            _ = try await client.put(key, value: value)
            return
        } catch let error as EtcdClientError {
            guard case .unavailable = error, attempt < 5 else { throw error }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// Text that compresses about as well as real etcd values (Kubernetes-style JSON).
func sampleValue(seed: Int, bytes: Int) -> String {
    var generator = SplitMix64(seed: UInt64(seed))
    var text = ""
    text.reserveCapacity(bytes + 128)
    while text.utf8.count < bytes {
        let id = String(generator.next(), radix: 16)
        text +=
            "{\"id\":\"\(id)\",\"replicas\":\(generator.next() % 50),\"ready\":\(generator.next() % 2 == 0)},"
    }
    return String(text.prefix(bytes))
}

/// Hex SHA-256 of the first `length` bytes of `path` (all of it when `length` is nil).
func sha256(ofFile path: String, length: UInt64? = nil) throws -> String {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var hasher = SHA256()
    var remaining = length ?? UInt64.max
    while remaining > 0 {
        let data = try handle.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data()
        if data.isEmpty { break }
        hasher.update(data: data)
        remaining -= UInt64(data.count)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}

func fileSize(_ path: String) throws -> UInt64 {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
}

/// Runs a short-lived tool and returns its combined output; throws with the output if it fails.
func runTool(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60))
    async throws -> String
{
    let scratch = try TemporaryDirectory(prefix: "backup-tool")
    defer { scratch.remove() }
    let outputPath = scratch.appending("output")
    let environment = ProcessInfo.processInfo.environment.filter {
        !$0.key.hasPrefix("ETCD_") && !$0.key.hasPrefix("ETCDCTL_")
    }.merging(["ETCDCTL_API": "3"]) { $1 }
    let child = try ChildProcess.launch(
        executable: executable, arguments: arguments, environment: environment,
        outputPath: outputPath)
    guard let status = await child.waitForExit(timeout: timeout) else {
        await child.terminate(gracePeriod: .seconds(1))
        throw ToolFailure(command: child.commandLine, output: "did not finish within \(timeout)")
    }
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    guard status.isSuccess else {
        throw ToolFailure(command: child.commandLine, output: "\(status):\n\(output)")
    }
    return output
}

struct ToolFailure: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "`\(command)` failed: \(output)" }
}

/// `etcdctl snapshot status` (3.4) or `etcdutl snapshot status` (3.5+) of a snapshot file.
struct SnapshotFileStatus: Decodable {
    var hash: UInt32
    var revision: Int64
    var totalKey: Int
    var totalSize: Int64

    static func read(_ path: String, with binaries: EtcdBinaries) async throws -> SnapshotFileStatus
    {
        let output: String
        if let etcdutl = binaries.etcdutl {
            output = try await runTool(etcdutl, ["snapshot", "status", path, "-w", "json"])
        } else {
            output = try await runTool(
                binaries.etcdctl, ["snapshot", "status", path, "-w", "json"])
        }
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }) else {
            throw ToolFailure(command: "snapshot status \(path)", output: output)
        }
        return try JSONDecoder().decode(SnapshotFileStatus.self, from: Data(line.utf8))
    }
}

/// Restores `snapshot` into a new one-member cluster with the installation's restore tool (`etcdctl snapshot
/// restore` for 3.4, `etcdutl` for 3.5+), starts it on free ports, and runs `body` with its client URL.
/// The member is stopped on every path.
func withRestoredMember<T>(
    from snapshot: String, binaries: EtcdBinaries, in directory: String,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (_ clientURL: String) async throws -> T
) async throws -> T {
    let clientURL = "http://127.0.0.1:\(try FreePort.allocate())"
    let peerURL = "http://127.0.0.1:\(try FreePort.allocate())"
    let dataDir = directory + "/restored.etcd"
    let restoreArguments = [
        "snapshot", "restore", snapshot, "--name", "restored", "--data-dir", dataDir,
        "--initial-cluster", "restored=\(peerURL)",
        "--initial-cluster-token", "restored-\(UUID().uuidString.prefix(6))",
        "--initial-advertise-peer-urls", peerURL,
    ]
    _ = try await runTool(binaries.etcdutl ?? binaries.etcdctl, restoreArguments)
    return try await withEtcdOnDataDir(
        dataDir, name: "restored", peerURL: peerURL, clientURL: clientURL, binaries: binaries,
        logPath: directory + "/restored.log", body)
}

/// A service on `cluster`'s running members, as the scheduler would set it up.
func makeService(
    directory: String, cluster: EtcdCluster, clusterName: String = "test-cluster", epoch: Int = 3,
    interval: Duration? = nil, retention: RetentionPolicy = .keepAll,
    callTimeout: Duration = .seconds(10),
    progress: (@Sendable (BackupProgress) async -> Void)? = nil,
    onSuccess: (@Sendable (BackupManifest) async -> Void)? = nil
) throws -> BackupService {
    try BackupService(
        configuration: BackupServiceConfiguration(
            directory: directory, interval: interval, retention: retention,
            compression: BackupCompression(level: 3, workers: 2),
            retryAfterFailure: .milliseconds(200),
            callTimeout: callTimeout, toolVersion: "etcd-mesos tests"),
        logger: Logger(label: "backup-tests"), progress: progress, onSuccess: onSuccess
    ) {
        BackupTarget(
            clusterName: clusterName, clusterEpoch: epoch,
            members: cluster.members.filter(\.isRunning).map {
                BackupSourceCandidate(endpoint: $0.clientURL, name: $0.name)
            })
    }
}

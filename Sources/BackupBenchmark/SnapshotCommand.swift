import Backup
import Foundation
import Logging

/// `snapshot --endpoint URL --dir DIR --level N --workers N`: one backup, as the scheduler takes it, in its own
/// process so that its peak RSS can be measured alone. Prints one line: `archive=<path> size=<bytes> db=<bytes>
/// maxrss_kb=<peak RSS (VmHWM)>`. With `BENCH_MEMORY` set in the environment it also prints its memory lines of
/// /proc/self/status to stderr.
struct SnapshotCommand {
    var endpoint = ""
    var directory = ""
    var compression = BackupCompression.standard

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchmarkError("\(flag) needs a value") }
            switch flag {
            case "--endpoint": endpoint = value
            case "--dir": directory = value
            case "--level": compression.level = Int(value) ?? compression.level
            case "--workers": compression.workers = Int(value) ?? compression.workers
            default: throw BenchmarkError("unknown flag \(flag)")
            }
        }
        guard !endpoint.isEmpty, !directory.isEmpty else {
            throw BenchmarkError("--endpoint and --dir are required")
        }
    }

    func run() async throws {
        var logger = Logger(label: "bench-backup")
        logger.logLevel = .warning
        let backup = EtcdSnapshotBackup(
            archiver: SnapshotArchiver(
                directory: directory, compression: compression, toolVersion: "bench-backup"),
            callTimeout: .seconds(30), logger: logger)
        let manifest = try await backup.take(
            of: BackupTarget(
                clusterName: "bench", clusterEpoch: 1,
                members: [BackupSourceCandidate(endpoint: endpoint)]))
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let memory = status.split(separator: "\n").filter {
            $0.hasPrefix("Vm") || $0.hasPrefix("Rss")
        }
        if ProcessInfo.processInfo.environment["BENCH_MEMORY"] != nil {
            FileHandle.standardError.write(Data((memory.joined(separator: "\n") + "\n").utf8))
        }
        // VmHWM, not getrusage's ru_maxrss: a child started with posix_spawn (vfork) inherits its parent's RSS
        // high-water mark in ru_maxrss, which would count the benchmark's own memory as ours.
        let peak = memory.first { $0.hasPrefix("VmHWM:") }?.split(whereSeparator: \.isWhitespace)
            .dropFirst().first
        print(
            "archive=\(directory)/\(manifest.archiveFileName) size=\(manifest.archiveSize ?? 0) db=\(manifest.dbSize) "
                + "maxrss_kb=\(peak ?? "0")")
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

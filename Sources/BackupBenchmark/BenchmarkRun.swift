import Backup
import EtcdClient
import EtcdMesosTesting
import Foundation
import ProcessControl

/// `run [--size-mb N] [--rounds N] [--level N] [--workers N]`: for each installed etcd (3.4 from Debian, 3.5 if
/// present) starts a one-member cluster in a temporary directory on free ports, loads N MB (default 210) of
/// JSON-like values, then in alternating rounds times `etcdctl snapshot save` and our snapshot to `.tar.zst` (a
/// child process of this program), and prints the medians: our wall time ÷ etcdctl's (goal ≤ 1.2), our peak RSS
/// (goal ≤ 64 MB) and archive size ÷ db size. Everything it starts is stopped and removed.
struct BenchmarkRun {
    static let usage =
        "usage: bench-backup [run] [--size-mb N] [--rounds N] [--level N] [--workers N]"

    var sizeMB = 210
    var rounds = 3
    var level = BackupCompression.standard.level
    var workers = BackupCompression.standard.workers

    init(arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst().flatMap({ Int($0) }) else {
                throw BenchmarkError("\(flag) needs a number")
            }
            switch flag {
            case "--size-mb": sizeMB = value
            case "--rounds": rounds = max(1, value)
            case "--level": level = value
            case "--workers": workers = value
            default: throw BenchmarkError("unknown flag \(flag)\n\(Self.usage)")
            }
        }
    }

    func run() async throws {
        let binaries = EtcdBinaries.available
        guard !binaries.isEmpty else { throw BenchmarkError("no etcd installed") }
        print(
            "bench-backup: \(sizeMB) MB of values, zstd level \(level) with \(workers) workers, \(rounds) rounds"
        )
        for installation in binaries {
            try await withEtcdCluster(members: 1, binaries: installation) { cluster in
                try await measure(cluster, binaries: installation)
            }
        }
    }

    private func measure(_ cluster: EtcdCluster, binaries: EtcdBinaries) async throws {
        let version = try await binaries.version()
        let endpoint = cluster.members[0].clientURL
        let scratch = cluster.directory + "/bench"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // The same process on an empty db: what the program costs before any snapshot data flows.
        let baseline = try await ourSnapshot(of: endpoint, into: scratch + "/baseline")

        let loadStart = ContinuousClock.now
        let dbSize = try await DataLoader(megabytes: sizeMB).load(into: endpoint)
        let loadTime = ContinuousClock.now - loadStart
        print(
            "\netcd \(version) (\(binaries.label)): loaded db of \(mb(dbSize)) in \(format(loadTime))"
        )

        var etcdctlTimes: [Duration] = []
        var ourTimes: [Duration] = []
        var rssKB: [Int] = []
        var ratio = 0.0
        for round in 1...rounds {
            let file = scratch + "/etcdctl.db"
            let etcdctl = try await timed {
                _ = try await binaries.etcdctl(
                    ["--endpoints=\(endpoint)", "snapshot", "save", file], timeout: .seconds(120))
            }
            let snapshotSize =
                (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            try FileManager.default.removeItem(atPath: file)

            let ours = try await ourSnapshot(of: endpoint, into: scratch + "/ours")
            ratio = Double(ours.archiveSize) / Double(ours.dbSize)
            rssKB.append(ours.peakRSSKB)
            etcdctlTimes.append(etcdctl)
            ourTimes.append(ours.wall)
            print(
                "  round \(round): etcdctl snapshot save \(format(etcdctl)) (\(mb(Int64(snapshotSize)))), "
                    + "ours \(format(ours.wall)) (\(mb(Int64(ours.archiveSize))), "
                    + "peak RSS \(ours.peakRSSKB / 1024) MB)")
        }
        let etcdctlMedian = median(etcdctlTimes)
        let ourMedian = median(ourTimes)
        let rssMedian = rssKB.sorted()[rssKB.count / 2]
        let speed = ourMedian.seconds / etcdctlMedian.seconds
        print("  median: etcdctl \(format(etcdctlMedian)), ours \(format(ourMedian))")
        let verdict = speed <= 1.2 ? "ok" : "MISSED"
        print(
            "  wall time ours ÷ etcdctl: \(String(format: "%.2f", speed)) (goal ≤ 1.2) \(verdict)")
        print(
            "  our peak RSS: median \(rssMedian / 1024) MB, max \((rssKB.max() ?? 0) / 1024) MB (goal ≤ 64 MB) "
                + "\(rssMedian <= 64 * 1024 ? "ok" : "MISSED"); the same process on an empty db: "
                + "\(baseline.peakRSSKB / 1024) MB")
        print("  archive size ÷ db size: \(String(format: "%.3f", ratio))")
    }

    /// One run of our snapshot in a child process (so its peak RSS is its own), into a fresh directory.
    private func ourSnapshot(of endpoint: String, into directory: String) async throws
        -> OurSnapshot
    {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var line = ""
        let wall = try await timed {
            line = try await runSelf([
                "snapshot", "--endpoint", endpoint, "--dir", directory,
                "--level", "\(level)", "--workers", "\(workers)",
            ])
        }
        if ProcessInfo.processInfo.environment["BENCH_MEMORY"] != nil { print(line) }
        var fields: [String: String] = [:]
        for part in line.split(whereSeparator: \.isWhitespace) {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let archiveSize = fields["size"].flatMap({ UInt64($0) }),
            let dbSize = fields["db"].flatMap({ UInt64($0) }),
            let rss = fields["maxrss_kb"].flatMap({ Int($0) })
        else { throw BenchmarkError("unexpected output of our snapshot: \(line)") }
        return OurSnapshot(
            wall: wall, archiveSize: archiveSize, dbSize: max(dbSize, 1), peakRSSKB: rss)
    }

    private struct OurSnapshot {
        var wall: Duration
        var archiveSize: UInt64
        var dbSize: UInt64
        var peakRSSKB: Int
    }

    private func runSelf(_ arguments: [String]) async throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let output =
            FileManager.default.temporaryDirectory.path + "/bench-backup-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try ChildProcess.launch(
            executable: executable, arguments: arguments, outputPath: output)
        let status = await child.waitForExit()
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status.isSuccess else { throw BenchmarkError("our snapshot \(status): \(text)") }
        return text
    }

    private func timed(_ body: () async throws -> Void) async throws -> Duration {
        try await Measure.timed(body)
    }
    private func median(_ values: [Duration]) -> Duration { Measure.median(values) }
    private func format(_ duration: Duration) -> String { Measure.format(duration) }
    private func mb(_ bytes: Int64) -> String { Measure.mb(bytes) }
}

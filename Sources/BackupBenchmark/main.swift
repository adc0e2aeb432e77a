import Foundation

// Benchmark (not a test): our snapshot to .tar.zst against `etcdctl snapshot save`, on a real etcd holding
// ≥ 200 MB. Run it with scripts/bench-backup.sh (release build). See BenchmarkRun for what it prints.
#if canImport(Glibc)
    import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "snapshot":
        try await SnapshotCommand(arguments: Array(arguments.dropFirst())).run()
    case "store":
        try await StoreBenchmark(arguments: Array(arguments.dropFirst())).run()
    case "run", nil:
        try await BenchmarkRun(arguments: Array(arguments.dropFirst())).run()
    default:
        print(BenchmarkRun.usage + "\n" + StoreBenchmark.usage)
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("bench-backup: \(error)\n".utf8))
    exit(1)
}

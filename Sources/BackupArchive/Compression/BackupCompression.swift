/// How archives are compressed: a zstd level and how many zstd worker threads compress in parallel.
public struct BackupCompression: Sendable, Hashable, CustomStringConvertible {
    /// 1 (fastest) … 19 (smallest). Levels above 19 need too much memory for a scheduler's side job.
    public var level: Int
    /// zstd worker threads; 0 compresses on the calling thread. With workers, compression overlaps with
    /// receiving the stream; each worker adds a few MB of buffers.
    public var workers: Int

    public static let levels = 1...19
    /// Level 1 with 2 workers. Measured on two cores against a 220 MB db (scripts/bench-backup.sh): level 1 keeps
    /// up with etcd's stream (0.8–1.0 × the time of `etcdctl snapshot save`, peak RSS 54–60 MB) for archives
    /// about 7 % larger than level 3's, which runs 1.1–1.3 × etcdctl's time with 65–72 MB peak RSS.
    public static let standard = BackupCompression(level: 1, workers: 2)

    public init(level: Int, workers: Int = 2) {
        self.level = min(max(level, Self.levels.lowerBound), Self.levels.upperBound)
        self.workers = max(0, workers)
    }

    public var description: String { "zstd level \(level), \(workers) workers" }
}

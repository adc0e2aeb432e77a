import Crypto
import EtcdClient
import Foundation
import Support

@testable import Backup

/// A synthetic snapshot as etcd streams it: `databaseBytes` of database, then etcd's SHA-256 of them.
struct SyntheticSnapshot {
    let database: [UInt8]
    var snapshot: [UInt8] { database + Array(SHA256.hash(data: database)) }
    var sha256: String { SHA256.hash(data: database).map { String(format: "%02x", $0) }.joined() }

    init(databaseBytes: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        // Half text-like, half zeros: compressible, as bbolt pages are.
        database = (0..<databaseBytes).map { index in
            index % 512 < 256 ? UInt8(97 + generator.next() % 26) : 0
        }
    }
}

/// Writes a backup of `snapshot` into `directory` with the real `SnapshotArchiver` (the layout the scheduler
/// writes) and returns its sidecar manifest.
func writeSyntheticBackup(
    _ snapshot: SyntheticSnapshot, in directory: String, clusterName: String = "hostile"
) async throws -> BackupManifest {
    let status = EtcdStatus(
        memberID: 0xabc, clusterID: 0xdef, version: "3.5.0", dbSize: Int64(snapshot.database.count),
        dbSizeInUse: Int64(snapshot.database.count), leader: 0xabc, raftIndex: 42, raftTerm: 2,
        raftAppliedIndex: 42, revision: 7, isLearner: false, errors: [])
    let (stream, input) = AsyncStream.makeStream(of: Data.self)
    let bytes = snapshot.snapshot
    for start in stride(from: 0, to: bytes.count, by: 1000) {
        input.yield(Data(bytes[start..<min(bytes.count, start + 1000)]))
    }
    input.finish()
    return try await SnapshotArchiver(directory: directory, toolVersion: "hostile tests").archive(
        stream, announcedSize: UInt64(bytes.count),
        from: SnapshotSource(
            candidate: BackupSourceCandidate(endpoint: "http://127.0.0.1:1", name: "m1"),
            status: status),
        clusterName: clusterName, clusterEpoch: 1)
}

/// A tar built entry by entry, as a hostile writer would build it.
struct HostileTar {
    private(set) var bytes: [UInt8] = []

    /// A header (for `data.count` bytes unless `declaredSize` says otherwise), the data, its padding.
    mutating func add(
        _ name: String, _ data: [UInt8], typeFlag: Character = "0", linkName: String = "",
        declaredSize: UInt64? = nil
    ) {
        bytes += TarHeader(
            name: name, size: declaredSize ?? UInt64(data.count),
            typeFlag: typeFlag.asciiValue ?? 0, linkName: linkName
        ).encoded()
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    /// The end marker: two zero blocks.
    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    mutating func append(_ raw: [UInt8]) {
        bytes += raw
    }
}

/// `bytes` as one zstd frame with a checksum.
func zstdFrame(_ bytes: [UInt8]) throws -> [UInt8] {
    let compressor = try ZstdCompressor(BackupCompression(level: 3, workers: 0))
    var frame: [UInt8] = []
    try Data(bytes).withBytes { (chunk) throws(BackupError) in
        try compressor.compress(chunk) { frame.append(contentsOf: $0) }
    }
    try compressor.finish { frame.append(contentsOf: $0) }
    return frame
}

/// A zstd frame holding `prefix`, then `zeros` zero bytes, streamed (a bomb is built without holding it).
func zstdFrame(_ prefix: [UInt8], thenZeros zeros: UInt64) async throws -> [UInt8] {
    let compressor = try ZstdCompressor(BackupCompression(level: 1, workers: 0))
    var frame: [UInt8] = []
    try Data(prefix).withBytes { (chunk) throws(BackupError) in
        try compressor.compress(chunk) { frame.append(contentsOf: $0) }
    }
    let block = Data(count: 1 << 20)
    var remaining = zeros
    while remaining > 0 {
        let count = Int(min(remaining, UInt64(block.count)))
        try block.prefix(count).withBytes { (chunk) throws(BackupError) in
            try compressor.compress(chunk) { frame.append(contentsOf: $0) }
        }
        remaining -= UInt64(count)
        // A gigabyte takes seconds to compress: let the other suites' tasks run meanwhile (the cooperative
        // pool has two threads here).
        await Task.yield()
    }
    try compressor.finish { frame.append(contentsOf: $0) }
    return frame
}

/// The JSON of a manifest for `snapshot`, with `db_size` replaced by `dbSize` verbatim (to lie, or go negative).
func manifestJSON(for snapshot: SyntheticSnapshot, dbSize: String? = nil) throws -> [UInt8] {
    let manifest = BackupManifest(
        id: "hostile-20250101T000000Z-r7", clusterName: "hostile", clusterEpoch: 1,
        sourceMember: BackupSourceMember(
            id: "abc", name: "m1", endpoint: "http://127.0.0.1:1", wasLeader: true),
        revision: 7, raftIndex: 42, raftTerm: 2, etcdVersion: "3.5.0",
        dbSize: UInt64(snapshot.database.count), dbSHA256: snapshot.sha256, compressionLevel: 3,
        createdAt: Date(timeIntervalSince1970: 1_735_689_600), durationSeconds: 0.1,
        toolVersion: "hostile tests")
    var text = String(decoding: try manifest.encoded(), as: UTF8.self)
    if let dbSize {
        text = text.replacingOccurrences(
            of: "\"db_size\" : \(snapshot.database.count)", with: "\"db_size\" : \(dbSize)")
    }
    return Array(text.utf8)
}

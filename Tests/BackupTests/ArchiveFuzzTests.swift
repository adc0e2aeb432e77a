import Foundation
import Support
import Testing

@testable import Backup

/// 10,000 seeded mutations of a small archive written by the real writer: each is either read to exactly the
/// original (a flip that zstd never sees, say) or refused with a `BackupArchiveError`; nothing crashes and no
/// file is left behind.
@Suite("Archive reader fuzz")
struct ArchiveFuzzTests {
    static let iterations = 10_000
    static let seed: UInt64 = 0x5EED_A4C1

    /// One way to damage bytes.
    enum Mutation: CaseIterable {
        case bitFlips, truncation, insertion, blockSwap, overwrite
    }

    @Test("10,000 seeded mutations: read exactly as the original or refused with a typed error")
    func seededMutations() async throws {
        try await withBackupDirectory { backups, scratch in
            let snapshot = SyntheticSnapshot(databaseBytes: 6000, seed: 3)
            let manifest = try await writeSyntheticBackup(snapshot, in: backups)
            let original = Array(
                try Data(contentsOf: URL(fileURLWithPath: "\(backups)/\(manifest.archiveFileName)"))
            )
            let inside = manifest.inArchive
            var generator = SplitMix64(seed: Self.seed)
            var outcomes: [String: Int] = [:]
            let path = scratch + "/fuzz.tar.zst"
            let database = scratch + "/fuzz.db"
            let started = ContinuousClock.now
            for iteration in 0..<Self.iterations {
                // Thousands of file round trips in a row: yield now and then so this loop never holds one
                // of the cooperative pool's two threads for seconds.
                if iteration % 50 == 0 { await Task.yield() }
                let mutation = Mutation.allCases[Int(generator.next() % 5)]
                let bytes = Self.mutate(original, mutation, &generator)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let outcome = Result { () throws(BackupArchiveError) in
                    try BackupArchiveReader(path: path).verify(extractDatabaseTo: database)
                }
                // The result is typed: every refusal is a BackupArchiveError.
                switch outcome {
                case .success(let verified):
                    // Accepted only if it decodes to the original: same manifest, same database.
                    var read = verified.manifest
                    read.archiveSize = nil
                    read.archiveSHA256 = nil
                    #expect(
                        read == inside, "iteration \(iteration) (\(mutation)) read another manifest"
                    )
                    let extracted = Array(try Data(contentsOf: URL(fileURLWithPath: database)))
                    #expect(
                        extracted == snapshot.snapshot,
                        "iteration \(iteration) (\(mutation)) extracted another database")
                    unlink(database)
                    outcomes["read as the original", default: 0] += 1
                case .failure:
                    outcomes["refused", default: 0] += 1
                    #expect(
                        !FileManager.default.fileExists(atPath: database),
                        "iteration \(iteration) (\(mutation)) left the database")
                }
            }
            unlink(path)
            #expect(try filesIn(scratch) == [], "files left behind")
            #expect((outcomes["refused"] ?? 0) > Self.iterations / 2, "\(outcomes)")
            // A hang guard, not a speed: ~25 s alone here, 64 s once in CI with every suite running beside it.
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(300), "took \(elapsed)")
        }
    }

    /// `bytes` damaged one way, deterministically from `generator`.
    static func mutate(
        _ bytes: [UInt8], _ mutation: Mutation, _ generator: inout SplitMix64
    ) -> [UInt8] {
        var result = bytes
        func position(in count: Int) -> Int { Int(generator.next() % UInt64(max(count, 1))) }
        switch mutation {
        case .bitFlips:
            for _ in 0...(generator.next() % 4) {
                result[position(in: result.count)] ^= UInt8(1) << (generator.next() % 8)
            }
        case .truncation:
            result = Array(result.prefix(position(in: result.count)))
        case .insertion:
            let count = 1 + Int(generator.next() % 64)
            let inserted = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            result.insert(contentsOf: inserted, at: position(in: result.count + 1))
        case .blockSwap:
            let length = 1 + Int(generator.next() % 512)
            guard result.count > 2 * length else { return result }
            let first = position(in: result.count - length)
            let second = position(in: result.count - length)
            let a = Array(result[first..<(first + length)])
            let b = Array(result[second..<(second + length)])
            result.replaceSubrange(first..<(first + length), with: b)
            result.replaceSubrange(second..<(second + length), with: a)
        case .overwrite:
            let start = position(in: result.count)
            for index in start..<min(result.count, start + 1 + Int(generator.next() % 32)) {
                result[index] = UInt8(truncatingIfNeeded: generator.next())
            }
        }
        return result
    }
}

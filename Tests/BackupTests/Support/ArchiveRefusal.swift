import Foundation
import Testing

@testable import Backup

/// Verifies `bytes` (written to a scratch file) with extraction; returns the refusal, how long it took and the
/// archive's path, after checking that the scratch directory holds exactly what it held before.
func refuseArchive(
    _ bytes: [UInt8], sidecar: BackupManifest? = nil, databaseSize: UInt64? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> (error: BackupArchiveError, elapsed: Duration, path: String) {
    try await withBackupDirectory { _, scratch in
        let path = scratch + "/attack.tar.zst"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let before = try sizes(in: scratch)
        let started = ContinuousClock.now
        let outcome = Result { () throws(BackupArchiveError) in
            try BackupArchiveReader(path: path).verify(
                against: sidecar, extractDatabaseTo: scratch + "/attack.db",
                databaseSize: databaseSize)
        }
        let elapsed = ContinuousClock.now - started
        #expect(try sizes(in: scratch) == before, "files changed", sourceLocation: sourceLocation)
        switch outcome {
        case .success(let verification):
            Issue.record("accepted: \(verification)", sourceLocation: sourceLocation)
            throw AttackAccepted()
        case .failure(let error):
            return (error, elapsed, path)
        }
    }
}

/// Every file in `directory` with its size.
func sizes(in directory: String) throws -> [String: UInt64] {
    Dictionary(
        uniqueKeysWithValues: try filesIn(directory).map {
            ($0, try fileSize("\(directory)/\($0)"))
        })
}

/// A hostile archive passed verification.
struct AttackAccepted: Error {}

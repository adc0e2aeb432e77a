import Backup
import Foundation
import Testing

/// Manual backups (`POST /backups`) are counted apart from periodic ones: however many are asked for, the
/// periodic history stays, and the manual ones keep to their own cap.
@Suite("Security: manual backups cannot evict the periodic history")
struct ManualRetentionTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    /// A backup taken `age` seconds before `now`.
    static func backup(age: Double, _ trigger: BackupTrigger?) -> BackupManifest {
        let createdAt = now.addingTimeInterval(-age)
        let revision = Int64(1_000_000 - age)
        return BackupManifest(
            id: BackupID.make(clusterName: "c", createdAt: createdAt, revision: revision),
            clusterName: "c", clusterEpoch: 1,
            sourceMember: BackupSourceMember(id: "1", name: nil, endpoint: "e", wasLeader: false),
            revision: revision, raftIndex: 1, raftTerm: 1, etcdVersion: "3.4.23", dbSize: 1,
            dbSHA256: "", compressionLevel: 1, createdAt: createdAt, durationSeconds: 1,
            toolVersion: "t", trigger: trigger)
    }

    static func deleted(
        _ policy: RetentionPolicy, _ backups: [BackupManifest], newestFailed: Bool = false
    ) -> Set<String> {
        Set(
            policy.backupsToDelete(
                from: backups.shuffled(), now: now, newestAttemptFailed: newestFailed
            ).map(\.id))
    }

    @Test("48 POST /backups in a row leave the 48 periodic backups of the last day in place")
    func manualFloodKeepsPeriodicHistory() {
        let periodic = (0..<48).map { Self.backup(age: 60 + Double($0) * 1800, .periodic) }
        let manual = (0..<48).map { Self.backup(age: Double($0), .manual) }
        let doomed = Self.deleted(
            RetentionPolicy(keepNewest: 48, keepManual: 10), periodic + manual)
        #expect(doomed.isDisjoint(with: periodic.map(\.id)))
        // The manual ones keep to their own cap: the newest 10.
        #expect(doomed == Set(manual.dropFirst(10).map(\.id)))
    }

    @Test("periodic retention counts periodic backups only")
    func periodicRulesIgnoreManual() {
        let periodic = (0..<5).map { Self.backup(age: 100 + Double($0) * 100, .periodic) }
        let manual = (0..<3).map { Self.backup(age: Double($0), .manual) }
        let doomed = Self.deleted(RetentionPolicy(keepNewest: 3, keepManual: 10), manual + periodic)
        #expect(doomed == Set(periodic.suffix(2).map(\.id)))
    }

    @Test("manifests written before the trigger was recorded count as periodic")
    func unrecordedTriggerIsPeriodic() {
        let old = (0..<4).map { Self.backup(age: 100 + Double($0) * 100, nil) }
        let manual = (0..<3).map { Self.backup(age: Double($0), .manual) }
        let doomed = Self.deleted(RetentionPolicy(keepNewest: 2, keepManual: 1), manual + old)
        #expect(doomed == Set(old.suffix(2).map(\.id) + manual.suffix(2).map(\.id)))
    }

    @Test("the newest backup is never deleted, and nothing is while the newest attempt failed")
    func guardsHold() {
        let newestPeriodic = Self.backup(age: 1, .periodic)
        let manual = (0..<3).map { Self.backup(age: 10 + Double($0), .manual) }
        let doomed = Self.deleted(
            RetentionPolicy(keepNewest: 1, keepManual: 1), [newestPeriodic] + manual)
        #expect(doomed == Set(manual.suffix(2).map(\.id)))
        #expect(
            Self.deleted(
                RetentionPolicy(keepNewest: 1, keepManual: 1), [newestPeriodic] + manual,
                newestFailed: true
            ).isEmpty)
        #expect(Self.deleted(.keepAll, [newestPeriodic] + manual).isEmpty)
    }

    @Test("the manifest records the trigger, and one without it still decodes")
    func triggerRoundTrips() throws {
        let manual = Self.backup(age: 1, .manual)
        let encoded = String(decoding: try manual.encoded(), as: UTF8.self)
        #expect(encoded.contains(#""trigger" : "manual""#), "\(encoded)")
        #expect(try BackupManifest.decode(manual.encoded()) == manual)
        let unrecorded = Self.backup(age: 1, nil)
        #expect(!String(decoding: try unrecorded.encoded(), as: UTF8.self).contains("trigger"))
        #expect(try BackupManifest.decode(unrecorded.encoded()).trigger == nil)
    }
}

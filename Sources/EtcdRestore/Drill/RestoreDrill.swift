import Backup
import Foundation
import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A restore drill, as the scheduler runs it beside itself: the archive's full check (zstd, tar, hashes,
/// manifest, `snapshot status`), then its database restored with etcd's own tool into a throwaway one-member
/// etcd on free loopback ports in a scratch directory, which must serve the manifest's revision; the keys it
/// serves are counted. Bounded in time (`timeout`) and disk (the scratch directory needs room for the
/// extracted database and the restored data dir, checked first); everything is stopped and removed after.
public struct RestoreDrill: Sendable {
    /// Where `etcdutl`/`etcdctl` (and `etcd`, beside them or on `PATH`) are.
    public var toolDirectory: String?
    /// Where the scratch directory goes (the system's temporary directory by default).
    public var scratchParent: String?
    public var timeout: Duration

    public init(
        toolDirectory: String?, scratchParent: String? = nil, timeout: Duration = .seconds(600)
    ) {
        self.toolDirectory = toolDirectory
        self.scratchParent = scratchParent
        self.timeout = timeout
    }

    /// Drills the archive at `archivePath` (its sidecar beside it); never throws: a failure is a failed drill.
    public func run(archivePath: String, manifest: BackupManifest) async -> BackupDrill {
        let started = ContinuousClock.now
        let at = Date()
        func outcome(_ census: ThrowawayMember.Census?, _ failure: String?) -> BackupDrill {
            let elapsed = ContinuousClock.now - started
            return BackupDrill(
                at: at, passed: failure == nil, seconds: (elapsed.seconds * 1000).rounded() / 1000,
                keys: census?.liveKeys, revision: census?.revision, reason: failure)
        }
        let parent = scratchParent ?? NSTemporaryDirectory()
        if let free = Self.freeBytes(in: parent), free < manifest.dbSize * 3 + (64 << 20) {
            return outcome(
                nil,
                "not enough disk in \(parent) for a drill: \(free) bytes free, \(manifest.dbSize * 3 + (64 << 20)) "
                    + "needed (the database, its restored data dir, and room)")
        }
        let (toolDirectory, scratchParent, timeout) = (self.toolDirectory, parent, self.timeout)
        // nil: the timeout passed (or the drill was cancelled) first.
        let result = try? await withDeadline(timeout) {
            () -> Result<ThrowawayMember.Census, RestoreFailure> in
            do throws(RestoreFailure) {
                return .success(
                    try await Self.restoreAndCount(
                        archivePath, expected: manifest, toolDirectory: toolDirectory,
                        scratchParent: scratchParent))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let census): return outcome(census, nil)
        case .failure(let failure): return outcome(nil, failure.description)
        case nil:
            return outcome(nil, "the drill did not finish within \(Int(timeout.seconds)) s")
        }
    }

    private static func restoreAndCount(
        _ archivePath: String, expected: BackupManifest, toolDirectory: String?,
        scratchParent: String
    ) async throws(RestoreFailure) -> ThrowawayMember.Census {
        var census: ThrowawayMember.Census?
        let archive = try LocalArchive(path: archivePath)
        _ = try await ArchiveCheck.run(
            archive, toolDirectory: toolDirectory, scratchParent: scratchParent,
            console: .silent
        ) { report, database throws(RestoreFailure) in
            census = try await ThrowawayMember.census(ofChecked: database, report: report)
        }
        guard let census else { throw .interrupted }
        guard census.revision >= expected.revision else {
            throw .snapshotStatusDisagrees(
                path: archivePath, field: "the revision the restored member serves",
                manifest: "at least \(expected.revision)", tool: "\(census.revision)")
        }
        return census
    }

    private static func freeBytes(in path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}

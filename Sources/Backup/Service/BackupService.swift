import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps backups of the etcd cluster: takes one on request or on schedule, applies retention, tracks freshness.
///
/// **One backup at a time.** A request made while a backup runs is refused at once with
/// `BackupServiceError.alreadyRunning`, which carries the running backup's ID (HTTP: 409 with that ID), instead
/// of waiting for it. A backup that began before the request holds data from before it, so handing it out as
/// "a snapshot taken now" would be wrong; and a refusal keeps HTTP requests short. The caller can fetch the
/// running backup by its ID once it is listed, or ask again. The periodic schedule skips a turn the same way.
///
/// A started backup runs to its end even if the request that started it goes away (a client hanging up does
/// not abandon a half-written snapshot); `cancelRunningBackup()` stops it, leaving nothing behind.
///
/// Retention runs after each successful backup and never while the newest attempt failed (`RetentionPolicy`).
public actor BackupService: Service {
    /// Supplies what to back up at the moment of each backup: the scheduler's healthy members and the cluster's
    /// name and epoch.
    public typealias TargetProvider = @Sendable () async throws -> BackupTarget
    /// Restores an archive into a throwaway etcd and reports how it went (`BackupDrill`); never throws.
    public typealias DrillRunner =
        @Sendable (_ archivePath: String, _ manifest: BackupManifest) async
        -> BackupDrill

    public nonisolated let configuration: BackupServiceConfiguration
    public nonisolated let store: BackupStore
    /// The object store that is the backups' home, when one is configured; `store` is then a staging cache.
    public nonisolated let remote: RemoteBackups?
    private let target: TargetProvider
    private let backup: EtcdSnapshotBackup
    private let observer: (@Sendable (BackupProgress) async -> Void)?
    private let onSuccess: (@Sendable (BackupManifest) async -> Void)?
    let logger: Logger
    let startedAt: Date

    var stats: BackupStatistics
    /// The running backup's task. Unstructured on purpose: a manual backup runs to its end even if the HTTP
    /// request that started it goes away; `cancelRunningBackup()` and the schedule's shutdown stop it.
    private let runningTask = Mutex<Task<BackupManifest, any Error>?>(nil)
    private let progressBox = RunningBackupBox()
    private var lastAttemptEnded: ContinuousClock.Instant?
    private var lastAttemptFailed = false
    private let firstDue: ContinuousClock.Instant
    let drillRunner: DrillRunner?
    /// The backup a restore drill runs on now.
    var drillingID: String?

    /// Prepares the backup directory (creates it, removes leftovers of a crash, see `BackupStore.prepare()`).
    ///
    /// - Parameters:
    ///   - progress: called after every chunk of a running backup's stream; the stream waits for it.
    ///   - onSuccess: called with every new backup's manifest, periodic or requested, once it is durable and
    ///     listed (the scheduler records it as the last good backup).
    ///   - target: what to back up, asked at the start of every backup.
    public init(
        configuration: BackupServiceConfiguration,
        logger: Logger = Logger(label: "etcd-mesos.backup"),
        progress: (@Sendable (BackupProgress) async -> Void)? = nil,
        onSuccess: (@Sendable (BackupManifest) async -> Void)? = nil,
        remote: RemoteBackups? = nil,
        drill: DrillRunner? = nil,
        target: @escaping TargetProvider
    ) throws(BackupStoreError) {
        drillRunner = drill
        self.configuration = configuration
        self.remote = remote
        store = BackupStore(directory: configuration.directory)
        let cleanup = try store.prepare()
        if cleanup != BackupStore.Preparation() {
            logger.notice(
                "cleaned up the backup directory after an interrupted run",
                metadata: [
                    "removed_partial_files": "\(cleanup.removedTemporaryFiles)",
                    "recovered_archives": "\(cleanup.recoveredArchives)",
                    "quarantined_archives": "\(cleanup.quarantinedArchives.map(\.name))",
                ])
        }
        for archive in cleanup.quarantinedArchives {
            logger.error(
                "moved an archive the start-up scan cannot read into quarantine",
                metadata: [
                    "archive": "\(archive.name)", "moved_to": "\(archive.movedTo)",
                    "reason": "\(archive.reason)",
                ])
        }
        self.target = target
        self.logger = logger
        observer = progress
        self.onSuccess = onSuccess
        backup = EtcdSnapshotBackup(
            archiver: SnapshotArchiver(
                directory: store.directory, compression: configuration.compression,
                toolVersion: configuration.toolVersion),
            callTimeout: configuration.callTimeout, logger: logger)
        let now = Date()
        startedAt = now
        stats = BackupStatistics(interval: configuration.interval)
        stats.drillInterval = drill == nil ? nil : configuration.drillInterval
        let newest = (try? store.list())?.first
        stats.newestBackupAt = newest?.createdAt
        stats.newestBackupID = newest?.id
        // The first periodic backup is due one interval after the newest existing one (or after start).
        let age =
            newest.map { Duration.seconds(max(0, now.timeIntervalSince($0.createdAt))) } ?? .zero
        firstDue = ContinuousClock.now + max(.zero, (configuration.interval ?? .zero) - age)
    }

    // MARK: Taking backups

    /// Takes a backup now and returns its sidecar manifest once it is durable and listed.
    ///
    /// Throws `BackupServiceError.alreadyRunning` at once if a backup is running; `BackupError` if it fails
    /// (nothing is then left in the directory).
    public func takeBackup(trigger: BackupTrigger = .manual) async throws -> BackupManifest {
        if let running = progressBox.state.withLock({ $0 }) {
            throw BackupServiceError.alreadyRunning(running)
        }
        if let drilling = drillingID { throw BackupServiceError.drillRunning(backupID: drilling) }
        let started = RunningBackup(
            id: nil, trigger: trigger, startedAt: Date(), bytesReceived: 0, bytesTotal: 0)
        progressBox.state.withLock { $0 = started }
        let clock = ContinuousClock()
        let began = clock.now
        let task = Task { [target, backup, observer, progressBox] in
            let cluster: BackupTarget
            do { cluster = try await target() } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw BackupError.noSourceAvailable(
                    reason: "the scheduler could not name the members: \(error)")
            }
            return try await backup.take(
                of: cluster, trigger: trigger,
                announce: { id in progressBox.state.withLock { $0?.id = id } },
                progress: { progress in
                    progressBox.state.withLock {
                        $0?.bytesReceived = progress.bytesReceived
                        $0?.bytesTotal = progress.bytesTotal
                    }
                    await observer?(progress)
                })
        }
        runningTask.withLock { $0 = task }
        let result = await task.result
        runningTask.withLock { $0 = nil }
        progressBox.state.withLock { $0 = nil }
        lastAttemptEnded = clock.now
        let duration = clock.now - began
        switch result {
        case .success(let manifest):
            await recordSuccess(manifest, duration: duration)
            await onSuccess?(manifest)
            return manifest
        case .failure(let error as CancellationError):
            // Stopping (shutdown) is no failure of the cluster's backups; the schedule retries as usual.
            logger.notice("backup cancelled", metadata: ["trigger": "\(trigger)"])
            throw error
        case .failure(let error):
            recordFailure(error, trigger: trigger)
            throw error
        }
    }

    /// Stops the running backup, if any; it ends with `CancellationError` and leaves nothing behind.
    public nonisolated func cancelRunningBackup() {
        runningTask.withLock { $0?.cancel() }
    }

    /// Applies the retention policy now (also done after every successful backup); returns the IDs deleted.
    /// Deletes nothing while the newest attempt failed.
    @discardableResult
    public func applyRetention(now: Date = Date()) async throws(BackupStoreError) -> [String] {
        guard let remote else {
            return try store.applyRetention(
                configuration.retention, now: now, newestAttemptFailed: lastAttemptFailed)
        }
        let deleted = await remote.applyRetention(
            configuration.retention, now: now, newestAttemptFailed: lastAttemptFailed)
        await remote.pruneCache(keep: configuration.cachedBackups)
        stats.store = await remote.currentStatistics()
        return deleted
    }

    /// Uploads what the store lacks, then applies retention there. With no store, does nothing.
    public func syncStore() async {
        guard let remote else { return }
        await remote.uploadPending()
        stats.store = await remote.currentStatistics()
        if stats.store?.pending == 0 {
            do {
                let deleted = try await applyRetention()
                if !deleted.isEmpty {
                    logger.info("retention deleted old backups", metadata: ["ids": "\(deleted)"])
                }
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Every backup: the store's and, with a store, the local ones not uploaded yet; newest first.
    public func listing() async throws(BackupStoreError) -> [BackupManifest] {
        let local = try store.list()
        guard let remote else { return local }
        var byID = Dictionary(local.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for manifest in await remote.manifests() { byID[manifest.id] = manifest }
        return BackupStore.newestFirst(Array(byID.values))
    }

    /// Backup `id` in the local directory, fetched from the store (and verified) when only there.
    public func localEntry(id: String) async throws -> BackupStore.Entry {
        if let remote, (try? store.entry(id: id)) == nil { return try await remote.fetch(id) }
        return try store.entry(id: id)
    }

    private func recordSuccess(_ manifest: BackupManifest, duration: Duration) async {
        lastAttemptFailed = false
        stats.successes += 1
        stats.consecutiveFailures = 0
        stats.lastError = nil
        stats.lastSuccessAt = Date()
        stats.lastDuration = duration
        stats.lastArchiveSize = manifest.archiveSize
        stats.lastDatabaseSize = manifest.dbSize
        stats.newestBackupAt = manifest.createdAt
        stats.newestBackupID = manifest.id
        logger.info(
            "backup taken",
            metadata: [
                "id": "\(manifest.id)", "revision": "\(manifest.revision)",
                "db_bytes": "\(manifest.dbSize)",
                "archive_bytes": "\(manifest.archiveSize ?? 0)", "seconds": "\(duration.seconds)",
            ])
        if remote != nil {
            // Uploaded before anything is pruned: the local copy stays until the store has it.
            await syncStore()
            return
        }
        do {
            let deleted = try await applyRetention()
            if !deleted.isEmpty {
                logger.info("retention deleted old backups", metadata: ["ids": "\(deleted)"])
            }
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }

    private func recordFailure(_ error: any Error, trigger: BackupTrigger) {
        lastAttemptFailed = true
        stats.failures += 1
        stats.consecutiveFailures += 1
        stats.lastFailureAt = Date()
        stats.lastError = "\(error)"
        logger.error("backup failed", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
    }

    // MARK: Schedule

    /// Takes periodic backups until graceful shutdown or cancellation; then stops a running backup and
    /// returns. With periodic backups off there is nothing to run until then.
    public func run() async {
        let drillInterval = drillRunner == nil ? nil : configuration.drillInterval
        guard remote != nil || configuration.interval != nil || drillInterval != nil else {
            // Nothing runs on its own: backups are taken on request until shutdown.
            try? await gracefulShutdown()
            cancelRunningBackup()
            return
        }
        try? await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if self.remote != nil {
                    group.addTask { await self.keepStoreInSync() }
                }
                if let interval = self.configuration.interval {
                    group.addTask { await self.takePeriodicBackups(every: interval) }
                }
                if let drillInterval {
                    group.addTask { await self.drillPeriodically(every: drillInterval) }
                }
            }
        }
        cancelRunningBackup()
    }

    /// Lists the store at start, then uploads what it lacks every `retryAfterFailure` while anything waits.
    private func keepStoreInSync() async {
        guard let remote else { return }
        do {
            let stored = try await remote.refresh()
            if let newest = stored.first,
                stats.newestBackupAt.map({ newest.createdAt > $0 }) ?? true
            {
                stats.newestBackupAt = newest.createdAt
                stats.newestBackupID = newest.id
            }
            logger.info(
                "listed the backup store",
                metadata: ["store": "\(remote.location)", "backups": "\(stored.count)"])
        } catch {
            logger.error(
                "cannot list the backup store; retrying",
                metadata: ["store": "\(remote.location)", "error": "\(error)"])
        }
        stats.store = await remote.currentStatistics()
        while !Task.isCancelled {
            if runningTask.withLock({ $0 }) == nil { await syncStore() }
            do { try await Task.sleep(for: configuration.retryAfterFailure) } catch { return }
        }
    }

    private func takePeriodicBackups(every interval: Duration) async {
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let due = nextDue(interval: interval)
                if due > .now {
                    do { try await Task.sleep(until: due, tolerance: .milliseconds(50)) } catch {
                        return
                    }
                    continue  // a manual backup may have moved the due time meanwhile
                }
                if let running = runningTask.withLock({ $0 }) {
                    _ = await running.result
                    continue
                }
                if drillingID != nil {
                    // No backup beside a drill: wait for it to end.
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                    continue
                }
                _ = try? await takeBackup(trigger: .periodic)
            }
        } onCancel: {
            cancelRunningBackup()
        }
    }

    /// One interval after the last attempt, or sooner after a failure; the first one after the newest backup.
    private func nextDue(interval: Duration) -> ContinuousClock.Instant {
        guard let lastAttemptEnded else { return firstDue }
        return lastAttemptEnded
            + (lastAttemptFailed ? min(interval, configuration.retryAfterFailure) : interval)
    }

    // MARK: Reporting

    /// Freshness and outcomes, including the running backup's progress.
    public var statistics: BackupStatistics {
        var current = stats
        current.running = progressBox.state.withLock { $0 }
        return current
    }

    /// The running backup, if any.
    public nonisolated var running: RunningBackup? { progressBox.state.withLock { $0 } }

    /// Degraded when the newest backup (or, with none yet, this service's start) is older than twice the
    /// interval; `.disabled` when periodic backups are off.
    public func health(now: Date = Date()) -> BackupHealth {
        if let problem = stats.store?.problem { return .degraded(reason: problem) }
        if let problem = drillProblem(now: now) { return .degraded(reason: problem) }
        guard let interval = configuration.interval else { return .disabled }
        let limit = (interval * 2).seconds
        if let newest = stats.newestBackupAt {
            let age = now.timeIntervalSince(newest)
            guard age > limit else { return .healthy }
            return .degraded(
                reason:
                    "the newest backup (\(stats.newestBackupID ?? "?")) is \(Int(age)) s old, more than twice "
                    + "the backup interval (\(Int(interval.seconds)) s)" + failureSuffix)
        }
        let waited = now.timeIntervalSince(startedAt)
        guard waited > limit else { return .healthy }
        return .degraded(
            reason:
                "no backup has been taken in the \(Int(waited)) s since the scheduler started, more than twice "
                + "the backup interval (\(Int(interval.seconds)) s)" + failureSuffix)
    }

    private var failureSuffix: String {
        stats.lastError.map { "; the last attempt failed: \($0)" } ?? ""
    }
}

/// The running backup's state, shared with the backup's task without hopping onto the actor for every chunk.
private final class RunningBackupBox: Sendable {
    let state = Mutex<RunningBackup?>(nil)
}

import Backup
import EtcdClient
import Foundation
import Logging

/// `seed`: after total loss, asks the scheduler to start a fresh cluster from one of its backups, follows the
/// scheduler until every member runs and the cluster is healthy, then checks with etcd itself that the cluster
/// holds at least the snapshot's revision.
///
/// Everything that can be checked without changing anything (the archive, that the scheduler holds it, the
/// cluster it belongs to, the token) is checked before `POST /restore`.
public struct SeedProcedure: Sendable {
    /// An archive path or a backup ID.
    public var backup: String
    public var force: Bool
    /// How long to wait, from the request on, for a healthy cluster at the snapshot's revision.
    public var timeout: Duration
    public var pollInterval: Duration

    public init(
        backup: String, force: Bool, timeout: Duration, pollInterval: Duration = .seconds(1)
    ) {
        self.backup = backup
        self.force = force
        self.timeout = timeout
        self.pollInterval = pollInterval
    }

    /// What a finished seed found.
    public struct Report: Encodable, Sendable {
        var event = "done"
        var ok = true
        public var backup: String
        public var clusterName: String
        public var snapshotRevision: Int64
        /// The highest revision a member reported.
        public var clusterRevision: Int64
        /// Each running member's revision, by name.
        public var memberRevisions: [String: Int64]
        public var runningServers: Int
        public var clusterSize: Int
        public var elapsedSeconds: Double

        enum CodingKeys: String, CodingKey {
            case event, ok, backup
            case clusterName = "cluster_name"
            case snapshotRevision = "snapshot_revision"
            case clusterRevision = "cluster_revision"
            case memberRevisions = "member_revisions"
            case runningServers = "running_servers"
            case clusterSize = "cluster_size"
            case elapsedSeconds = "elapsed_seconds"
        }
    }

    func run(api: SchedulerAPI, console: Console) async throws(RestoreFailure) -> Report {
        let choice = try await SeedBackupChoice.resolve(
            backup, api: api, force: force, console: console)
        let manifest = choice.manifest
        console.result(
            "seeding from backup \(manifest.id): cluster \(manifest.clusterName), revision \(manifest.revision), "
                + "created \(BackupTable.createdAt(manifest.createdAt)) UTC")

        let answer: RestoreAnswer
        do throws(RestoreFailure) {
            answer = try await api.restore(id: manifest.id)
        } catch .interrupted {
            throw .interruptedAfterRequest(
                backup: manifest.id, scheduler: api.baseURL, accepted: false)
        }
        console.result(
            "the scheduler \(answer.outcome == "accepted" ? "accepted" : "reports") the restore: \(answer.message)"
        )
        console.event(AnsweredEvent(outcome: answer.outcome, message: answer.message))

        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + timeout
        let stats: SchedulerStats
        let revisions: [String: Int64]
        do throws(RestoreFailure) {
            stats = try await waitUntilHealthy(
                api: api, console: console, clock: clock, started: started, deadline: deadline)
            console.result(
                "cluster healthy: \(stats.runningServers)/\(stats.clusterSize) members running")
            revisions = try await waitForRevision(
                manifest.revision, api: api, console: console, clock: clock, deadline: deadline)
        } catch .interrupted {
            throw .interruptedAfterRequest(
                backup: manifest.id, scheduler: api.baseURL, accepted: true)
        }
        let highest = revisions.values.max() ?? 0
        let elapsed = (clock.now - started).seconds
        console.result(
            "revision check: the cluster is at revision \(highest), the snapshot at \(manifest.revision) "
                + "(\(revisions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))"
        )
        console.result(
            "seeded cluster \(manifest.clusterName) from backup \(manifest.id) in "
                + RestoreDuration.format(.milliseconds(Int64(elapsed * 1000))))
        return Report(
            backup: manifest.id, clusterName: manifest.clusterName,
            snapshotRevision: manifest.revision,
            clusterRevision: highest, memberRevisions: revisions,
            runningServers: stats.runningServers,
            clusterSize: stats.clusterSize, elapsedSeconds: elapsed)
    }

    /// Polls `/stats` until every member runs and the cluster is healthy; reports each change. A scheduler that
    /// does not answer for a while (it may restart) is retried until the deadline.
    private func waitUntilHealthy(
        api: SchedulerAPI, console: Console, clock: ContinuousClock,
        started: ContinuousClock.Instant,
        deadline: ContinuousClock.Instant
    ) async throws(RestoreFailure) -> SchedulerStats {
        var lastShown: String?
        var lastState = "no answer from the scheduler yet"
        while true {
            do throws(RestoreFailure) {
                let stats = try await api.stats()
                lastState = stats.summary
                if stats.summary != lastShown {
                    lastShown = stats.summary
                    let elapsed = (clock.now - started).seconds
                    console.progress(String(format: "[%6.1fs] ", elapsed) + stats.summary)
                    console.event(ProgressEvent(stats: stats, elapsedSeconds: elapsed))
                }
                if stats.isComplete { return stats }
            } catch {
                if case .interrupted = error { throw error }
                lastState = "\(error)"
            }
            try await pause(
                until: deadline, clock: clock,
                waitingFor: "every member to run and the cluster to be healthy",
                lastState: lastState)
        }
    }

    /// Asks each running member for its status until one reports at least `revision`.
    private func waitForRevision(
        _ revision: Int64, api: SchedulerAPI, console: Console, clock: ContinuousClock,
        deadline: ContinuousClock.Instant
    ) async throws(RestoreFailure) -> [String: Int64] {
        var lastState = "no member answered yet"
        var lastRevisions: [String: Int64] = [:]
        while true {
            do throws(RestoreFailure) {
                let members = try await api.members().filter(\.isRunning)
                var revisions: [String: Int64] = [:]
                var problems: [String] = []
                for member in members {
                    guard let endpoint = member.endpoint else { continue }
                    do {
                        revisions[member.name] = try await Self.revision(of: endpoint)
                    } catch {
                        problems.append("\(member.name): \(error)")
                    }
                }
                if Task.isCancelled { throw RestoreFailure.interrupted }
                if !revisions.isEmpty { lastRevisions = revisions }
                if let highest = revisions.values.max(), highest >= revision { return revisions }
                lastState =
                    revisions.isEmpty
                    ? "no running member answered: "
                        + (problems.isEmpty
                            ? "the scheduler lists none" : problems.joined(separator: "; "))
                    : "members at "
                        + revisions.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")
            } catch {
                if case .interrupted = error { throw error }
                lastState = "\(error)"
            }
            guard clock.now < deadline else {
                if !lastRevisions.isEmpty {
                    throw .revisionBehind(
                        snapshotRevision: revision, memberRevisions: lastRevisions)
                }
                throw .timedOut(
                    after: timeout, waitingFor: "a member to report revision ≥ \(revision)",
                    lastState: lastState)
            }
            try await pause(
                until: deadline, clock: clock, waitingFor: "a member at revision ≥ \(revision)",
                lastState: lastState)
        }
    }

    /// The member's key-value revision, from etcd's `Maintenance.Status`.
    static func revision(of endpoint: String) async throws -> Int64 {
        var logger = Logger(label: "etcd-mesos-restore")
        logger.logLevel = .critical
        return try await EtcdClient.withClient(
            endpoint: endpoint, callTimeout: .seconds(3), logger: logger
        ) { client in
            try await client.status().revision
        }
    }

    /// Sleeps one poll interval, or throws `timedOut` when the deadline has passed.
    private func pause(
        until deadline: ContinuousClock.Instant, clock: ContinuousClock, waitingFor: String,
        lastState: String
    ) async throws(RestoreFailure) {
        guard clock.now < deadline else {
            throw .timedOut(after: timeout, waitingFor: waitingFor, lastState: lastState)
        }
        do { try await Task.sleep(for: min(pollInterval, deadline - clock.now)) } catch {
            throw .interrupted
        }
    }
}

/// `--json` event: the scheduler's answer to `POST /restore`.
struct AnsweredEvent: Encodable {
    var event = "requested"
    var outcome: String
    var message: String
}

/// `--json` event: the scheduler's state changed while the cluster forms.
struct ProgressEvent: Encodable {
    var event = "progress"
    var phase: String
    var runningServers: Int
    var clusterSize: Int
    var healthy: Int
    var clusterEpoch: Int?
    var elapsedSeconds: Double

    init(stats: SchedulerStats, elapsedSeconds: Double) {
        phase = stats.phase
        runningServers = stats.runningServers
        clusterSize = stats.clusterSize
        healthy = stats.healthy
        clusterEpoch = stats.clusterEpoch
        self.elapsedSeconds = (elapsedSeconds * 10).rounded() / 10
    }

    enum CodingKeys: String, CodingKey {
        case event, phase, healthy
        case runningServers = "running_servers"
        case clusterSize = "cluster_size"
        case clusterEpoch = "cluster_epoch"
        case elapsedSeconds = "elapsed_seconds"
    }
}

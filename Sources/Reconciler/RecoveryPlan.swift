/// What a lost or livelocked cluster has left and what the scheduler will do about it, said before it acts:
/// `GET /restore/plan`, `etcd-mesos-restore plan`, `seed --dry-run`, and the log line before a reseed or a
/// restore. Every choice says how many revisions it gives up against the newest revision known.
public struct RecoveryPlan: Sendable, Equatable, Codable {
    public enum Situation: String, Sendable, Codable {
        /// Quorum and every member: nothing to recover.
        case healthy
        /// Quorum, members missing: they are being replaced.
        case degraded
        /// A brand-new cluster is being formed.
        case forming
        /// No quorum: a majority is lost or follows no common leader.
        case livelock
        /// A survivor is being made the seed of a new cluster.
        case reseeding
        /// Every member is lost.
        case totalLoss = "total_loss"
        /// A new epoch is being seeded from a backup.
        case seeding
        /// Not in sync with the Mesos master yet: no decision is taken.
        case notInSync = "not_in_sync"
    }

    /// A member whose task is on record, as the last probe saw it.
    public struct Survivor: Sendable, Equatable, Codable {
        public var name: String
        public var host: String
        public var state: String
        public var reachable: Bool
        public var raftIndex: UInt64?
        public var revision: Int64?
        public var isLearner: Bool

        enum CodingKeys: String, CodingKey {
            case name, host, state, reachable, revision
            case raftIndex = "raft_index"
            case isLearner = "is_learner"
        }
    }

    /// The newest backup that verified, as the backup service lists it.
    public struct Backup: Sendable, Equatable, Codable {
        public var id: String
        public var revision: Int64
        /// Seconds since it was taken, when known.
        public var ageSeconds: Double?

        public init(id: String, revision: Int64, ageSeconds: Double? = nil) {
            self.id = id
            self.revision = revision
            self.ageSeconds = ageSeconds
        }

        enum CodingKeys: String, CodingKey {
            case id, revision
            case ageSeconds = "age_seconds"
        }
    }

    /// One way out, and what it costs.
    public struct Choice: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case reseed
            case restore
            case startEmpty = "start_empty"
        }

        public var kind: Kind
        /// The member to reseed from or the backup to restore; nil for an empty start.
        public var source: String?
        /// The revision this choice keeps.
        public var revision: Int64
        /// Revisions given up against the newest revision known.
        public var revisionsLost: Int64
        /// True for the choice the scheduler takes (or takes when an operator says so).
        public var chosen: Bool

        /// What the choice does, in a few words: "reseed from etcd-2", "restore <id>", "start empty".
        public var label: String {
            switch kind {
            case .reseed: "reseed from \(source ?? "?")"
            case .restore: "restore \(source ?? "?")"
            case .startEmpty: "start empty"
            }
        }

        enum CodingKeys: String, CodingKey {
            case kind, source, revision, chosen
            case revisionsLost = "revisions_lost"
        }
    }

    public var situation: Situation
    public var clusterEpoch: Int
    /// The newest revision known: from probes, backups, and what was persisted.
    public var newestKnownRevision: Int64
    public var survivors: [Survivor]
    public var newestBackup: Backup?
    /// What the scheduler will do, or waits for, in words.
    public var action: String
    /// The choices there are, the chosen one marked; the fewest revisions lost first.
    public var choices: [Choice]

    enum CodingKeys: String, CodingKey {
        case situation, survivors, action, choices
        case clusterEpoch = "cluster_epoch"
        case newestKnownRevision = "newest_known_revision"
        case newestBackup = "newest_backup"
    }

    /// One line for the log: the situation, the action, and each choice's cost.
    public var summary: String {
        let costs = choices.map { choice in
            "\(choice.label) loses \(choice.revisionsLost) revision(s)\(choice.chosen ? " [chosen]" : "")"
        }
        return "recovery plan (\(situation.rawValue), epoch \(clusterEpoch), newest known revision "
            + "\(newestKnownRevision)): \(action)"
            + (costs.isEmpty ? "" : "; " + costs.joined(separator: "; "))
    }
}

import Backup
import EtcdScheduler
import Support
import Testing

/// `etcd-mesos-scheduler --help` prints each flag's default from `SchedulerDefaults`, and what it
/// prints is what the scheduler applies.
@Suite("--help: the defaults it prints are the scheduler's")
struct HelpDefaultsTests {
    typealias Defaults = SchedulerDefaults

    /// Wide enough that no help text wraps inside a value.
    static let help = SchedulerOptions.helpMessage(columns: 10_000)

    /// Each flag and the default its help must state, rendered from the constants.
    static let expected: [(flag: String, value: String)] = [
        ("master", Defaults.master),
        ("framework-name", Defaults.frameworkName),
        ("failover-timeout-seconds", GoDuration.format(Defaults.failoverTimeout)),
        ("mesos-offer-refuse-seconds", whole(Defaults.offerRefuseSeconds)),
        ("cluster-size", "\(Defaults.clusterSize)"),
        ("single-instance-per-slave", "\(Defaults.singleInstancePerAgent)"),
        ("reseed-timeout", GoDuration.format(Defaults.reseedTimeout)),
        ("auto-reseed", "\(Defaults.autoReseed)"),
        ("chill", GoDuration.format(Defaults.chill)),
        ("etcd-health-interval", GoDuration.format(Defaults.etcdHealthInterval)),
        ("sandbox-disk-limit", whole(Defaults.sandboxDiskMB)),
        ("sandbox-cpu-limit", whole(Defaults.sandboxCPUs)),
        ("sandbox-mem-limit", whole(Defaults.sandboxMemoryMB)),
        ("allow-empty-cluster", "\(Defaults.allowEmptyCluster)"),
        ("work-dir", Defaults.workDirectory),
        ("local-agents", "max(\(Defaults.minimumLocalAgents), -cluster-size)"),
        ("executor-bin", Defaults.binaryDirectory + "/etcd-mesos-executor"),
        ("etcd-bin", Defaults.binaryDirectory + "/etcd"),
        ("etcdctl-bin", Defaults.binaryDirectory + "/etcdctl"),
        ("artifact-port", "\(Defaults.artifactPort)"),
        ("admin-port", "\(Defaults.adminPort)"),
        ("admin-address", Defaults.adminAddress),
        ("backup-dir", "<work-dir>/\(Defaults.backupDirectoryName)"),
        ("backup-interval", GoDuration.format(Defaults.backupInterval)),
        ("backup-retention", "\(Defaults.backupRetention)"),
        ("backup-compression-level", "\(BackupCompression.standard.level)"),
        ("logtostderr", "\(Defaults.logToStderrOnly)"),
        ("alsologtostderr", "\(Defaults.alsoLogToStderr)"),
        ("v", "\(Defaults.verbosity)"),
    ]

    /// Flags whose stated default is a value the flag takes (not a rule such as `max(3, …)`).
    static let settable: Set<String> = Set(expected.map(\.flag)).subtracting([
        "local-agents", "executor-bin", "etcd-bin", "etcdctl-bin", "backup-dir", "admin-address",
    ])

    static func whole(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : "\(value)"
    }

    /// The help entry of `-flag`: its names line and any lines before the next flag's.
    static func entry(_ flag: String) -> String? {
        var entries: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("-") {
                entries.append(String(trimmed))
            } else if !entries.isEmpty, !trimmed.isEmpty {
                entries[entries.count - 1] += " " + trimmed
            }
        }
        return entries.first { $0.hasPrefix("-\(flag),") || $0.hasPrefix("-\(flag) ") }
    }

    /// What the entry of `-flag` says after "Default ", up to the end of that sentence.
    static func statedDefault(_ flag: String) -> String? {
        guard let entry = entry(flag), let start = entry.range(of: "Default ") else { return nil }
        var sentence = entry[start.upperBound...]
        if let end = sentence.range(of: ". ") { sentence = sentence[..<end.lowerBound] }
        if sentence.hasSuffix(".") { sentence = sentence.dropLast() }
        return String(sentence)
    }

    static func settings(_ arguments: [String]) throws -> SchedulerSettings {
        try SchedulerOptions.parseGoStyle(["-framework-persist-file=/srv/state.json"] + arguments)
            .settings(environment: [:], hostName: "scheduler-host", currentDirectory: "/srv")
    }

    @Test("each flag's help states the default from the constants", arguments: expected)
    func helpStatesTheConstant(flag: String, value: String) throws {
        let entry = try #require(Self.entry(flag), "the help has no entry for -\(flag)")
        let statements = [".", ";", ","].map { "Default \(value)\($0)" }
        #expect(statements.contains { entry.contains($0) }, "\(entry)")
    }

    @Test("-mesos-authentication-provider's help names its default provider")
    func providerDefault() {
        let entry = Self.entry("mesos-authentication-provider") ?? ""
        #expect(entry.contains("(default \(Defaults.authenticationProvider))"), "\(entry)")
    }

    @Test("-backup-compression-level's help gives the levels the flag accepts")
    func compressionLevels() {
        let levels = BackupCompression.levels
        #expect(
            Self.entry("backup-compression-level")?.contains(
                "zstd level, \(levels.lowerBound) (fastest) to \(levels.upperBound)") == true)
    }

    @Test(
        "giving a flag the default its help states changes nothing",
        arguments: expected.filter { settable.contains($0.flag) })
    func statedDefaultIsApplied(flag: String, value: String) throws {
        let stated = try #require(Self.statedDefault(flag))
        #expect(try Self.settings(["-\(flag)=\(stated)"]) == Self.settings([]))
    }
}

import ArgumentParser

/// The scheduler's command line: every flag of the original etcd-mesos-scheduler (and glog's), the removed
/// `-cluster-name`, and ours. Go syntax works: `-flag=value`, `--flag=value`, `-flag value`,
/// `--flag value`, and booleans as `-auto-reseed`, `-auto-reseed=false`, `--auto-reseed=true`.
///
/// Every value is kept as the text given (`nil` when absent), so that a container environment variable can
/// stand in for an absent flag and every value, whatever its source, is checked by the same code:
/// `settings(environment:hostName:currentDirectory:)` does that and returns typed `SchedulerSettings`.
///
/// Parse with `parseGoStyle(_:)`, which also rewrites bare booleans; plain `parse(_:)` does not.
public struct SchedulerOptions: ParsableArguments, Sendable {
    @OptionGroup(title: "Mesos")
    public var mesos: MesosFlags

    @OptionGroup(title: "etcd cluster")
    public var cluster: ClusterFlags

    @OptionGroup(title: "Persistence and files")
    public var files: FileFlags

    @OptionGroup(title: "Binaries, ports and admin API")
    public var serving: ServingFlags

    @OptionGroup(title: "Backups")
    public var backups: BackupFlags

    @OptionGroup(title: "Logging (glog compatible)")
    public var logging: LoggingFlags

    public init() {}

    /// The boolean flags, which Go lets stand alone (`-auto-reseed` means `-auto-reseed=true`).
    public static let booleanFlags: Set<String> = [
        "auto-reseed", "single-instance-per-slave", "allow-empty-cluster", "logtostderr",
        "alsologtostderr",
    ]

    /// Parses a Go-style command line (without the program name). Throws ArgumentParser's errors (and its
    /// help request) or `SchedulerConfigurationError`; hand any of them to `SchedulerOptions.exit(withError:)`.
    public static func parseGoStyle(_ arguments: [String]) throws -> SchedulerOptions {
        try parse(GoFlagSyntax.normalize(arguments, booleanFlags: booleanFlags))
    }
}

extension ArgumentHelp {
    /// Help for a flag that a container environment variable may stand in for.
    static func flag(_ text: String, value: String, environment flag: String? = nil) -> ArgumentHelp
    {
        let variable = flag.flatMap(ContainerEnvironment.variable(for:))
        return ArgumentHelp(text + (variable.map { " (env: \($0))" } ?? ""), valueName: value)
    }
}

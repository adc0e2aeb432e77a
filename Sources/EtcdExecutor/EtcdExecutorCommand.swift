import ArgumentParser
import Logging
import MesosAPI
import Support

/// `etcd-mesos-executor`: the Mesos executor that runs one etcd member. The agent starts it with the
/// MESOS_* environment; the flags keep the original's Go syntax (`-etcd-bin=./etcd`), and the double-dash
/// form works too.
public struct EtcdExecutorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "etcd-mesos-executor",
        abstract: "Runs one etcd member as a Mesos task (started by a Mesos agent, not by hand).")

    @Option(
        name: .goFlag("etcd-bin"),
        help: "The etcd binary; a relative path is taken from the sandbox.")
    var etcdBinary = "./etcd"

    @Option(
        name: .goFlag("launch-timeout"),
        help:
            "How long after the launch (or a reseed) etcd is restarted when it exits, e.g. 240s or 4m."
    )
    var launchTimeout = "240s"

    @Option(
        name: .goFlag("restore-fetch-timeout"),
        help:
            "How long fetching a backup to restore from may take (a task that restores a backup), e.g. 10m."
    )
    var restoreFetchTimeout = "10m"

    @Option(
        name: .goFlag("log_dir"),
        help: "Accepted for the original's command line; the log goes to stderr.")
    var logDirectory: String?

    @Option(
        name: .goFlag("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .goFlag("driver-port"), help: .hidden)
    var driverPort: String?

    public init() {}

    public func validate() throws {
        guard GoDuration.parse(launchTimeout) != nil else {
            throw ValidationError(
                "-launch-timeout=\(launchTimeout) is not a duration such as 240s or 4m")
        }
        guard let fetchTimeout = GoDuration.parse(restoreFetchTimeout), fetchTimeout > .zero else {
            throw ValidationError(
                "-restore-fetch-timeout=\(restoreFetchTimeout) is not a positive duration such as 10m or 90s"
            )
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "-log-level=\(logLevel) is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
    }

    public func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "etcd-mesos-executor")
        let mesos: MesosExecutorEnvironment
        do {
            mesos = try MesosExecutorEnvironment()
        } catch {
            logger.critical("\(error)")
            throw ExitCode(2)
        }
        let settings = EtcdExecutorSettings(
            mesos: mesos, etcdBinary: etcdBinary,
            launchTimeout: GoDuration.parse(launchTimeout) ?? .seconds(240),
            logDirectory: logDirectory,
            restoreFetchTimeout: GoDuration.parse(restoreFetchTimeout) ?? .seconds(600))
        // The app's service group traps SIGTERM and SIGINT before it subscribes, so a SIGTERM from the
        // agent always stops etcd instead of orphaning it.
        let code = await EtcdExecutorApp(settings: settings, logger: logger).run()
        throw ExitCode(code)
    }
}

extension EtcdExecutorCommand {
    /// Parses the command line and runs. (From top-level code, `main()` resolves to ArgumentParser's
    /// synchronous entry point, which refuses async commands.)
    public static func start() async {
        await main()
    }
}

import ArgumentParser

/// The `etcd-mesos-local` command line: `run` (the default), `benchmark` and `faults`.
@available(macOS 10.15, *)
struct LocalMesosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etcd-mesos-local",
        abstract:
            "A local Mesos master and agents speaking the real v1 scheduler and executor HTTP APIs.",
        subcommands: [RunCommand.self, BenchmarkCommand.self, FaultsCommand.self],
        defaultSubcommand: RunCommand.self)
}

extension LocalMesosCommand {
    /// Parses the command line and runs the chosen subcommand. (From top-level code, `main()` resolves to
    /// ArgumentParser's synchronous entry point, which refuses async subcommands.)
    static func start() async {
        await main()
    }
}

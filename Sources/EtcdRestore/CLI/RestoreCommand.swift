import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `etcd-mesos-restore`: the operator's CLI for backups of an etcd-mesos cluster.
public struct RestoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "etcd-mesos-restore",
        abstract:
            "List, verify and inspect etcd-mesos backups; restore a data dir; seed a cluster after total loss.",
        discussion: """
            Archives are <cluster>-<UTC time>-r<revision>.tar.zst files holding snapshot.db and manifest.json, with \
            a <archive>.json sidecar beside them. Nothing is changed unless every check passed: a refused input \
            leaves no data dir, no file and no scheduler request behind.

            \(RestoreExitCode.helpText)
            """,
        subcommands: [
            ListCommand.self, VerifyCommand.self, InspectCommand.self, DataDirCommand.self,
            SeedCommand.self, PlanCommand.self,
        ])

    public init() {}

    /// Parses the command line, runs the subcommand and exits with a documented code (usage errors: 2).
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(RestoreExitCode.success.rawValue)
        } catch let reported as ReportedFailure {
            Foundation.exit(reported.exitCode.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.write(message + "\n", to: .standardOutput) }
                Foundation.exit(RestoreExitCode.success.rawValue)
            }
            Console.write(message + "\n", to: .standardError)
            Foundation.exit(
                code == .validationFailure ? RestoreExitCode.usage.rawValue : code.rawValue)
        }
    }
}

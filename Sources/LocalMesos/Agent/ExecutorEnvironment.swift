import Foundation
import MesosAPI

/// The environment a Mesos agent gives an executor (docs/mesos-v1-http.md §7.3): built, not inherited — the agent's
/// `--executor_environment_variables`, then the MESOS_* variables, then `CommandInfo.environment`, with a
/// default PATH if none results.
enum ExecutorEnvironment {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    static func make(
        configuration: AgentConfiguration, agentID: AgentID, frameworkID: FrameworkID,
        checkpoint: Bool,
        executor: ExecutorInfo, sandbox: String
    ) -> [String: String] {
        var environment = configuration.executorEnvironment
        let grace =
            executor.shutdownGracePeriod.map(\.duration)
            ?? configuration.executorShutdownGracePeriod
        environment["MESOS_FRAMEWORK_ID"] = frameworkID.value
        environment["MESOS_EXECUTOR_ID"] = executor.executorID.value
        environment["MESOS_AGENT_ENDPOINT"] = configuration.endpoint
        environment["MESOS_SLAVE_PID"] = "slave(1)@\(configuration.endpoint)"
        environment["MESOS_SLAVE_ID"] = agentID.value
        environment["MESOS_DIRECTORY"] = sandbox
        environment["MESOS_SANDBOX"] = sandbox
        environment["MESOS_CHECKPOINT"] = checkpoint ? "1" : "0"
        environment["MESOS_HTTP_COMMAND_EXECUTOR"] = "0"
        environment["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] = StoutDuration.format(grace)
        if checkpoint {
            environment["MESOS_RECOVERY_TIMEOUT"] = StoutDuration.format(
                configuration.recoveryTimeout)
            environment["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = StoutDuration.format(
                configuration.subscriptionBackoffMax)
        }
        environment["LIBPROCESS_PORT"] = "0"
        for variable in executor.command?.environment?.variables ?? [] {
            environment[variable.name] = variable.value ?? ""
        }
        if environment["PATH"] == nil { environment["PATH"] = defaultPath }
        return environment
    }

    /// How to start `command` in `sandbox` so that stdout goes to the `stdout` file (ChildProcess's output
    /// path) and stderr to the `stderr` file, as the Mesos sandbox logger does: a shell that redirects its
    /// stderr, then runs the command (shell) or execs it (`shell: false`, `arguments` is the whole argv).
    static func launchArguments(for command: CommandInfo) -> (
        executable: String, arguments: [String]
    )? {
        if command.runsInShell {
            guard let value = command.value else { return nil }
            return ("/bin/sh", ["-c", "exec 2>>stderr\n" + value])
        }
        guard let value = command.value else { return nil }
        return (
            "/bin/sh",
            ["-c", #"exec 2>>stderr; exec "$0" "$@""#, value] + command.arguments.dropFirst()
        )
    }
}

import ArgumentParser
import Foundation
import Support

/// `--json`: every subcommand's switch for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "Print JSON on stdout instead of text (errors too, as {\"ok\": false, \"error\": …})."
    )
    var json = false
}

/// Where etcd's own tools are, and where to unpack a database for them.
struct ToolOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory holding etcdutl (etcd 3.5+) or etcdctl (etcd 3.4); default: search PATH.",
            valueName: "dir"))
    var etcdBinDir: String?
}

/// `--scratch-dir`: room for the extracted database (about the database's size).
struct ScratchOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory for the temporary copy of the database (removed afterwards); default: $TMPDIR or /tmp.",
            valueName: "dir"))
    var scratchDir: String?
}

/// The scheduler's admin token, for the commands that talk to it: `--token-file`, else the environment variable
/// `ETCD_MESOS_ADMIN_TOKEN`. The file is read as the scheduler reads it (`AdminTokenFile`): trimmed, and refused
/// when empty or readable by group or others.
struct TokenOptions: ParsableArguments {
    static let environmentVariable = "ETCD_MESOS_ADMIN_TOKEN"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "File holding the scheduler's admin token (its -admin-token-file, by default <work-dir>/admin-token); "
                + "readable by its owner only. Default: the token in $\(environmentVariable).",
            valueName: "file"))
    var tokenFile: String?

    /// The token, or nil when none is given; an unusable file is a usage error (exit 2).
    func token(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> String?
    {
        if let tokenFile {
            do throws(AdminTokenFileError) {
                return try AdminTokenFile.read(tokenFile)
            } catch {
                throw ValidationError("--token-file \(tokenFile) \(error.reason)")
            }
        }
        let variable = environment[Self.environmentVariable]?.trimmingCharacters(
            in: .whitespacesAndNewlines)
        return variable?.isEmpty == false ? variable : nil
    }
}

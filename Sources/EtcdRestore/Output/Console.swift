import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the CLI writes: results to stdout (a table, a report, or JSON with `--json`), progress to stderr only
/// when stderr is a terminal, warnings and errors to stderr always.
struct Console: Sendable {
    /// `--json`: stdout carries JSON only.
    let json: Bool
    /// True when stderr is a terminal, where progress lines help; scripts and logs get none.
    let showsProgress: Bool

    init(json: Bool) {
        self.json = json
        showsProgress = isatty(STDERR_FILENO) == 1
    }

    /// Writes no result, document or progress: for work done inside another program (a restore drill).
    static var silent: Console { Console(json: true, showsProgress: false) }

    private init(json: Bool, showsProgress: Bool) {
        self.json = json
        self.showsProgress = showsProgress
    }

    /// A line of the human-readable result (nothing with `--json`).
    func result(_ line: String) {
        guard !json else { return }
        Self.write(line + "\n", to: FileHandle.standardOutput)
    }

    /// A progress line on a terminal.
    func progress(_ line: String) {
        guard showsProgress else { return }
        Self.write(line + "\n", to: FileHandle.standardError)
    }

    /// Something the operator should know that does not stop the command.
    func warning(_ line: String) {
        Self.write("etcd-mesos-restore: warning: \(line)\n", to: FileHandle.standardError)
    }

    /// A JSON document (pretty) on stdout, with `--json` only.
    func document(_ value: some Encodable) {
        guard json else { return }
        Self.write(RestoreJSON.string(value, pretty: true) + "\n", to: FileHandle.standardOutput)
    }

    /// One JSON line on stdout (a stream of events), with `--json` only.
    func event(_ value: some Encodable) {
        guard json else { return }
        Self.write(RestoreJSON.string(value, pretty: false) + "\n", to: FileHandle.standardOutput)
    }

    /// The error that ends the command: on stderr, and as JSON on stdout with `--json`.
    func failure(_ failure: RestoreFailure) {
        if json {
            event(FailureDocument(error: failure.description, exitCode: failure.exitCode.rawValue))
        }
        Self.write("etcd-mesos-restore: error: \(failure)\n", to: FileHandle.standardError)
    }

    static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}

/// `--json`'s answer when a command fails.
struct FailureDocument: Encodable {
    var event = "error"
    var ok = false
    var error: String
    var exitCode: Int32

    enum CodingKeys: String, CodingKey {
        case event, ok, error
        case exitCode = "exit_code"
    }
}

import UnixSignals

/// Runs one subcommand's work: SIGINT/SIGTERM cancel it (its scoped helpers then stop tools and remove scratch
/// directories), and a failure is reported once, on stderr and, with `--json`, as JSON on stdout.
enum CommandRunner {
    static func run(
        json: Bool, _ body: @escaping @Sendable (Console) async throws(RestoreFailure) -> Void
    ) async throws(ReportedFailure) {
        let console = Console(json: json)
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let outcome: Result<Void, RestoreFailure> = await withTaskGroup(
            of: Result<Void, RestoreFailure>?.self
        ) {
            group in
            group.addTask {
                do throws(RestoreFailure) {
                    try await body(console)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                for await _ in signals { break }
                return nil  // the body, cancelled below, answers with `interrupted` once it has cleaned up
            }
            var outcome: Result<Void, RestoreFailure> = .success(())
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                    break
                }
                group.cancelAll()
            }
            return outcome
        }
        if case .failure(let failure) = outcome {
            console.failure(failure)
            throw ReportedFailure(exitCode: failure.exitCode)
        }
    }
}

/// A failure already reported to the operator; the program exits with its code.
struct ReportedFailure: Error {
    var exitCode: RestoreExitCode
}

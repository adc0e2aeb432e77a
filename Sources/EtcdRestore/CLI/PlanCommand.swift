import ArgumentParser
import Foundation
import Reconciler

/// `plan --scheduler http://…`: the scheduler's recovery plan, read only.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Show what survives, the newest backup, and what the scheduler will do (or waits for); changes nothing.",
        discussion: """
            Reads GET /restore/plan: the members on record with their raft index and revision as last probed, the \
            newest good backup with its revision and age, the situation (healthy, degraded, livelock, reseeding, \
            total_loss, seeding…), what the scheduler will do or waits for, and for each choice (reseed from a \
            survivor, restore a backup, start empty) how many revisions it gives up against the newest revision \
            known. The chosen one is marked with *. --json prints the plan as the scheduler sent it.

            \(RestoreExitCode.helpText)
            """)

    @Option(
        name: .long, help: ArgumentHelp("The scheduler's admin URL.", valueName: "http://host:port")
    )
    var scheduler: String

    @OptionGroup var credentials: TokenOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard SchedulerAPI.normalize(scheduler) != nil else {
            throw ValidationError("--scheduler \(scheduler) is not a URL like http://host:port")
        }
        _ = try credentials.token()
    }

    func run() async throws {
        let url = SchedulerAPI.normalize(scheduler)!
        let token = try credentials.token()
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            let plan = try await Self.fetch(url: url, token: token)
            console.document(plan)
            for line in RecoveryPlanText.lines(plan) { console.result(line) }
        }
    }

    static func fetch(url: String, token: String?) async throws(RestoreFailure) -> RecoveryPlan {
        do {
            return try await SchedulerAPI.with(baseURL: url, token: token) { api in
                try await api.recoveryPlan()
            }
        } catch let failure as RestoreFailure {
            throw failure
        } catch {
            throw .unexpected(reason: "\(error)")
        }
    }
}

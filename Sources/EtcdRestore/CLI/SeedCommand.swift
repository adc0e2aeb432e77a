import ArgumentParser
import Foundation
import Reconciler

/// `seed <archive | backup id> --scheduler http://…`: after total loss, a fresh cluster from a backup.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract:
            "After total loss: have the scheduler start a fresh cluster from a backup, and follow it until healthy.",
        discussion: """
            A local archive is verified first, and must be a backup the scheduler holds (same ID and bytes): the \
            scheduler restores from its own copy, so copy the archive and its .json sidecar into the scheduler's \
            backup directory first. A backup ID is looked up on the scheduler. A backup of another cluster than \
            the scheduler's is refused unless --force. Then POST /restore asks the scheduler for a new cluster epoch \
            from the backup; its first member restores the data dir with etcd's own tool and the scheduler grows \
            the cluster. The command follows /stats until every member runs and the cluster is healthy, then asks \
            the members (etcd Status) for their revision, which must be at least the snapshot's.

            Progress goes to stderr on a terminal; --json prints one JSON object per line (events "verified", \
            "requested", "progress", "done", or "error").

            \(RestoreExitCode.helpText)
            """)

    @Argument(
        help: ArgumentHelp(
            "An archive file, the ID of a backup the scheduler holds, or s3://bucket/prefix/<id> of a "
                + "backup in the scheduler's -backup-store.", valueName: "backup"))
    var backup: String

    @Option(
        name: .long, help: ArgumentHelp("The scheduler's admin URL.", valueName: "http://host:port")
    )
    var scheduler: String

    @OptionGroup var credentials: TokenOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long to wait for a healthy cluster at the snapshot's revision (Go syntax: 90s, 10m, 1h).",
            valueName: "duration"))
    var timeout = "10m"

    @Option(name: .long, help: .hidden)
    var pollInterval = "1s"

    @Flag(
        name: .long,
        help:
            "Seed from a backup of another cluster, or from the scheduler's copy when it differs from the local file."
    )
    var force = false

    @Flag(
        name: .long,
        help:
            "Print the scheduler's recovery plan and what this seed would cost, and change nothing: no request is sent."
    )
    var dryRun = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard SchedulerAPI.normalize(scheduler) != nil else {
            throw ValidationError("--scheduler \(scheduler) is not a URL like http://host:port")
        }
        guard RestoreDuration.parse(timeout) != nil else {
            throw ValidationError("--timeout \(timeout) is not a duration like 10m")
        }
        guard RestoreDuration.parse(pollInterval) != nil else {
            throw ValidationError("--poll-interval \(pollInterval) is not a duration")
        }
        _ = try credentials.token()
    }

    func run() async throws {
        let url = SchedulerAPI.normalize(scheduler)!
        let token = try credentials.token()
        // A backup in the scheduler's object store is named by its ID: the scheduler fetches it itself.
        var backup = self.backup
        if StoreOptions.isStoreURL(backup) { backup = try StoreArchive.parse(backup).1 }
        if dryRun {
            let named = backup
            try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
                let plan = try await PlanCommand.fetch(url: url, token: token)
                console.document(
                    DryRun(plan: plan, wouldSeed: named, summary: Self.cost(of: named, in: plan)))
                for line in RecoveryPlanText.lines(plan) { console.result(line) }
                console.result("dry run: \(Self.cost(of: named, in: plan)); nothing was changed")
            }
            return
        }
        let procedure = SeedProcedure(
            backup: backup, force: force, timeout: RestoreDuration.parse(timeout)!,
            pollInterval: RestoreDuration.parse(pollInterval)!)
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            let report: SeedProcedure.Report
            do {
                report = try await SchedulerAPI.with(baseURL: url, token: token) { api in
                    try await procedure.run(api: api, console: console)
                }
            } catch let failure as RestoreFailure {
                throw failure
            } catch {
                throw .unexpected(reason: "\(error)")
            }
            console.event(report)
        }
    }

    /// What `seed --dry-run --json` prints.
    struct DryRun: Encodable {
        var plan: RecoveryPlan
        var wouldSeed: String
        var summary: String

        enum CodingKeys: String, CodingKey {
            case plan, summary
            case wouldSeed = "would_seed"
        }
    }

    /// What seeding `backup` would do in the situation of `plan`, in words.
    static func cost(of backup: String, in plan: RecoveryPlan) -> String {
        guard plan.situation == .totalLoss else {
            return
                "the scheduler would refuse this seed now (situation \(plan.situation.rawValue)): a seed "
                + "only replaces a cluster that was lost entirely"
        }
        if let choice = plan.choices.first(where: { $0.kind == .restore && $0.source == backup }) {
            return "seeding \(backup) would bring back revision \(choice.revision) and lose "
                + "\(choice.revisionsLost) revision(s)"
        }
        return
            "seeding \(backup) would bring back that backup's revision; the newest known revision is "
            + "\(plan.newestKnownRevision)"
    }
}

import Reconciler

/// A recovery plan as the operator reads it on a terminal.
enum RecoveryPlanText {
    static func lines(_ plan: RecoveryPlan) -> [String] {
        var lines = [
            "situation:  \(plan.situation.rawValue) (cluster epoch \(plan.clusterEpoch), newest known revision "
                + "\(plan.newestKnownRevision))",
            "action:     \(plan.action)",
        ]
        if plan.survivors.isEmpty {
            lines.append("survivors:  none")
        } else {
            lines.append("survivors:")
            for member in plan.survivors {
                let index = member.raftIndex.map { "raft index \($0)" } ?? "raft index ?"
                let revision = member.revision.map { "revision \($0)" } ?? "revision ?"
                let reach = member.reachable ? "answers" : "does not answer"
                lines.append(
                    "  \(member.name) on \(member.host): \(member.state), \(reach), \(index), \(revision)"
                        + (member.isLearner ? ", learner" : ""))
            }
        }
        if let backup = plan.newestBackup {
            let age = backup.ageSeconds.map { ", taken \(Self.age($0)) ago" } ?? ""
            lines.append("backup:     \(backup.id) (revision \(backup.revision)\(age))")
        } else {
            lines.append("backup:     none known")
        }
        if !plan.choices.isEmpty {
            lines.append("choices (revisions lost against \(plan.newestKnownRevision)):")
            for choice in plan.choices {
                lines.append(
                    "  \(choice.chosen ? "*" : " ") \(choice.label): keeps revision \(choice.revision), loses "
                        + "\(choice.revisionsLost)")
            }
        }
        return lines
    }

    static func age(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 120 { return "\(whole)s" }
        if whole < 7200 { return "\(whole / 60)m" }
        if whole < 172_800 { return "\(whole / 3600)h" }
        return "\(whole / 86400)d"
    }
}

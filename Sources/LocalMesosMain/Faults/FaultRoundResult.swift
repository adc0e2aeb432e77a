/// What one round showed.
struct FaultRoundResult: Sendable, Encodable {
    var round: Int
    var passed: Bool
    /// Seconds from the fault to `N` healthy members again; nil when that never came.
    var secondsToHealthy: Double?
    /// Acknowledged writes that a reader did not find (after total loss: of those up to the backup).
    var writesLost: Int
    /// What went wrong, in words.
    var problems: [String]

    enum CodingKeys: String, CodingKey {
        case round, passed, problems
        case secondsToHealthy = "seconds_to_healthy"
        case writesLost = "writes_lost"
    }
}

/// One table row: a scenario's rounds.
struct FaultScenarioReport: Sendable, Encodable {
    var scenario: String
    var description: String
    var rounds: [FaultRoundResult]
    var writesAcknowledged: Int
    /// Set when the scenario could not run at all (its cluster never formed, …).
    var setupError: String?

    var passed: Int { rounds.filter(\.passed).count }
    var writesLost: Int { rounds.map(\.writesLost).reduce(0, +) }
    var times: [Double] { rounds.compactMap(\.secondsToHealthy).sorted() }
    var median: Double? { times.isEmpty ? nil : times[times.count / 2] }
    var maximum: Double? { times.last }

    enum CodingKeys: String, CodingKey {
        case scenario, description, rounds, passed, run
        case writesAcknowledged = "writes_acknowledged"
        case writesLost = "writes_lost"
        case medianSecondsToHealthy = "median_seconds_to_healthy"
        case maxSecondsToHealthy = "max_seconds_to_healthy"
        case setupError = "setup_error"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(description, forKey: .description)
        try container.encode(rounds, forKey: .rounds)
        try container.encode(passed, forKey: .passed)
        try container.encode(rounds.count, forKey: .run)
        try container.encode(writesAcknowledged, forKey: .writesAcknowledged)
        try container.encode(writesLost, forKey: .writesLost)
        try container.encode(median, forKey: .medianSecondsToHealthy)
        try container.encode(maximum, forKey: .maxSecondsToHealthy)
        try container.encode(setupError, forKey: .setupError)
    }
}

enum FaultTable {
    static func render(_ reports: [FaultScenarioReport]) -> String {
        let header = [
            "scenario", "rounds passed/run", "median to healthy", "max to healthy", "writes acked",
            "writes lost",
        ]
        let rows = reports.map { report -> [String] in
            [
                report.scenario,
                report.setupError == nil
                    ? "\(report.passed)/\(report.rounds.count)" : "setup failed",
                report.median.map { String(format: "%.1f s", $0) } ?? "-",
                report.maximum.map { String(format: "%.1f s", $0) } ?? "-",
                "\(report.writesAcknowledged)", "\(report.writesLost)",
            ]
        }
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let lines = all.map { row in
            "| "
                + row.enumerated().map { column, cell in
                    cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }.joined(separator: " | ") + " |"
        }
        let rule =
            "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([lines[0], rule] + lines.dropFirst()).joined(separator: "\n")
    }
}

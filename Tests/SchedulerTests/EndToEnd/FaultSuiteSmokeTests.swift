import EtcdMesosTesting
import Foundation
import ProcessControl
import Testing

/// One round of the fault suite's cheap scenarios (`etcd-mesos-local faults --scenario smoke`), as CI runs
/// it: the tool itself, against real etcd, ZooKeeper, local Mesos and the scheduler.
@Suite("End to end: fault suite smoke", .serialized)
struct FaultSuiteSmokeTests {
    @Test(
        "one round of kill-1-of-3, scheduler-restart-file and master-restart passes with no write lost"
    )
    func smoke() async throws {
        try await LoopbackBlocks.withBlock { first in
            let directory = try TemporaryDirectory(prefix: "fault-smoke")
            defer { directory.remove() }
            let output = directory.appending("faults.json")
            let run = try ChildProcess.launch(
                executable: try BuildProducts.executable("etcd-mesos-local"),
                arguments: [
                    "faults", "--rounds", "1", "--scenario", "smoke", "--json",
                    "--first-agent-address", "\(first)", "--work-dir", directory.appending("run"),
                ],
                outputPath: output)
            let exit = await run.waitForExit(timeout: .seconds(600))
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            #expect(exit == .exited(0), "\(text.suffix(4000))")
            let start = try #require(text.range(of: "\n{\n"), "no JSON in: \(text.suffix(2000))")
            let end = try #require(text.range(of: "\n}", options: .backwards))
            let json = text[start.lowerBound..<end.upperBound]
            let document =
                try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
            let scenarios = document["scenarios"] as? [[String: Any]] ?? []
            #expect(
                scenarios.map { $0["scenario"] as? String } == [
                    "kill-1-of-3", "scheduler-restart-file", "master-restart",
                ])
            for scenario in scenarios {
                #expect(scenario["passed"] as? Int == 1, "\(scenario)")
                #expect(scenario["writes_lost"] as? Int == 0, "\(scenario)")
                #expect((scenario["writes_acknowledged"] as? Int ?? 0) > 0, "\(scenario)")
            }
            #expect(document["leftover_processes"] as? Int == 0)
        }
    }
}

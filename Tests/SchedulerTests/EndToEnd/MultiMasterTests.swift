import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import Testing

/// The scheduler on a Mesos cluster with several masters: it follows a standby's redirect to the leader
/// itself, sends every call to the leader, and after a leader change subscribes again at the new leader,
/// keeping its tasks.
@Suite("End to end: several Mesos masters", .serialized)
struct MultiMasterTests {
    enum Detection: String, CaseIterable, CustomTestStringConvertible {
        /// `-master=http://m1,http://m2,…`: tried in turn, following 307s.
        case masterList
        /// `-master=zk://…/mesos`: the masters contend in ZooKeeper; the scheduler detects the leader there.
        case zooKeeper
        var testDescription: String { rawValue }
    }

    @Test("a standby first in the master list: subscribed at the leader, every call goes there")
    func standbyFirstInTheMasterList() async throws {
        try await MultiMasterMesos.withCluster(masters: 2, agents: 3) { mesos in
            let (leader, standby) = (mesos.masters[0], mesos.masters[1])
            let directory = try TemporaryDirectory(prefix: "e2e-standby-first")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: "\(standby.url),\(leader.url)",
                stateFile: directory.appending("state.json"), extra: ["-chill=1s"])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
                #expect(try await scheduler.stats()["mesos_master"] as? String == leader.url)
                let connected = await MultiMasterMesos.connectedFrameworks(mesos)
                #expect(connected.map(\.via) == [leader.url])
                // The standby only ever saw SUBSCRIBEs, which it redirected; the calls all went to the leader.
                let atStandby = standby.schedulerRequests.all
                #expect(!atStandby.isEmpty)
                #expect(
                    atStandby.allSatisfy { $0.status == 307 && !$0.hadStreamID }, "\(atStandby)")
                let calls = leader.schedulerRequests.all.filter(\.hadStreamID)
                #expect(calls.count >= 3, "ACCEPTs for 3 members at least")
                #expect(calls.allSatisfy { $0.status == 202 || $0.status == 200 }, "\(calls)")
            }
        }
    }

    @Test(
        "the leading master stops: the scheduler moves to the new leader and keeps its tasks",
        arguments: Detection.allCases)
    func leaderChange(detection: Detection) async throws {
        switch detection {
        case .masterList:
            try await MultiMasterMesos.withCluster(masters: 3, agents: 3) { mesos in
                try await runLeaderChange(mesos, master: mesos.masterURLs)
            }
        case .zooKeeper:
            try await withZooKeeperServer { server in
                let zk = "zk://\(server.connectString)/mesos"
                try await MultiMasterMesos.withCluster(
                    masters: 3, agents: 3, zooKeeper: try ZooKeeperMasterAddress(parsing: zk)
                ) { mesos in
                    try await eventually(timeout: .seconds(10), "one master to lead") {
                        mesos.leader != nil
                    }
                    try await runLeaderChange(mesos, master: zk)
                }
            }
        }
    }

    private func runLeaderChange(_ mesos: LocalCluster, master: String) async throws {
        let directory = try TemporaryDirectory(prefix: "e2e-leader-change")
        defer { directory.remove() }
        let arguments = try schedulerArguments(
            master: master, stateFile: directory.appending("state.json"), extra: ["-chill=1s"])
        try await SchedulerProcess.with(
            arguments: arguments, adminPort: try FreePort.allocate(),
            logPath: directory.appending("scheduler.log")
        ) { scheduler in
            try await waitForHealthyCluster(
                scheduler, size: 3, timeout: .seconds(90), "3 healthy members")
            let old = try #require(mesos.leader)
            let frameworkID = try #require(try await scheduler.stats()["framework_id"] as? String)
            let tasksBefore = await MultiMasterMesos.activeTaskIDs(mesos)
            let launchedBefore = try await scheduler.stat("launched_servers")
            #expect(try await scheduler.stats()["mesos_master"] as? String == old.url)

            await old.stop()
            let next = try #require(
                await waitForValue(timeout: .seconds(20)) { mesos.leader }, "a new leader")
            #expect(next.url != old.url)
            try await eventually(timeout: .seconds(45), "the scheduler to subscribe at \(next.url)")
            {
                let connected = await MultiMasterMesos.connectedFrameworks(mesos)
                return try await scheduler.stats()["mesos_master"] as? String == next.url
                    && connected.count == 1 && connected[0].id == frameworkID
                    && connected[0].via == next.url
            }
            try await waitForHealthyCluster(
                scheduler, size: 3, timeout: .seconds(60), "3 healthy members after the change")
            #expect(try await scheduler.stat("launched_servers") == launchedBefore)
            #expect(await MultiMasterMesos.activeTaskIDs(mesos) == tasksBefore)
        }
    }

    /// The first non-nil value `produce` gives within `timeout`.
    private func waitForValue<T: Sendable>(
        timeout: Duration, _ produce: @Sendable () async throws -> T?
    ) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await produce() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}

import Foundation
import LocalMesos
import ProcessControl

#if canImport(Glibc)
    import Glibc
#endif

/// Injecting each scenario's fault into the running cluster.
extension FaultScenarioRun {
    /// What an injected fault left to wait for.
    struct Injected {
        /// The backup's revision, for a total loss.
        var backupRevision: Int64?
        /// The first write index issued after the backup was complete: no write from there on may be restored.
        var firstWriteAfterBackup: Int?
        /// Hosts whose agent was killed: no member may run there when the round is healthy again.
        var lostHosts: [String] = []
    }

    /// Injects this scenario's fault.
    func inject(
        mesos: LocalCluster, scheduler: FaultScheduler, writer: AcknowledgedWriter
    ) async throws -> Injected {
        let members = await scheduler.runningClientURLs()
        var injected = Injected()
        switch scenario {
        case .killOneOfThree, .killTwoOfFive, .reseed:
            let victims = shared.pick(scenario == .killOneOfThree ? 1 : 2, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
        case .agentRestart:
            for agent in try await agents(running: shared.pick(1, of: members), in: mesos) {
                try await agent.restart()
            }
        case .agentPause:
            let agent = try await agents(running: shared.pick(1, of: members), in: mesos)[0]
            let pids = await agent.runningExecutors.compactMap(\.pid).flatMap {
                [$0] + ProcessTree.descendants(of: $0)
            }
            for pid in pids { kill(pid, SIGSTOP) }
            try await Task.sleep(for: .seconds(30))
            for pid in pids { kill(pid, SIGCONT) }
        case .schedulerRestartFile, .schedulerRestartZooKeeper:
            await scheduler.crash()
            try await scheduler.start()
        case .zooKeeperDown:
            await zooKeeper.stop()
            try await Task.sleep(for: .seconds(30))
            try await zooKeeper.start()
        case .backupDuringReplacement:
            let victims = shared.pick(1, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
            let taken = try await scheduler.post("/backups")
            guard taken.status == 201 else {
                throw FaultSuiteError(
                    "POST /backups during the replacement answered \(taken.status): "
                        + String(decoding: taken.body, as: UTF8.self))
            }
        case .masterRestart:
            guard let leading = mesos.masters.firstIndex(where: \.isLeading) else {
                throw FaultSuiteError("no local Mesos master leads")
            }
            try await mesos.restartMaster(leading, after: .seconds(2))
            try await waitForSubscription(to: mesos, timeout: .seconds(60))
            // The scheduler works through the new leader: a lost member is replaced with its offers.
            let victims = shared.pick(1, of: members)
            injected.lostHosts = victims.compactMap { URL(string: $0)?.host }
            for agent in try await agents(running: victims, in: mesos) { await agent.kill() }
        case .totalLoss:
            let taken = try await scheduler.post("/backups")
            guard taken.status == 201,
                let manifest = try JSONSerialization.jsonObject(with: taken.body) as? [String: Any],
                let id = manifest["id"] as? String, let revision = manifest["revision"] as? Int
            else {
                throw FaultSuiteError(
                    "POST /backups answered \(taken.status): "
                        + String(decoding: taken.body, as: UTF8.self))
            }
            // The writer issues one write at a time: the one after the next was issued after the backup ended.
            injected.firstWriteAfterBackup = (writer.writes.last?.index ?? -1) + 2
            try await Task.sleep(for: .seconds(1))  // writes after the backup, which the restore gives up
            writer.setPaused(true)
            for agent in try await agents(running: members, in: mesos) { await agent.kill() }
            let deadline = ContinuousClock.now + .seconds(60)
            while await scheduler.stat("awaiting_operator") != 1 {
                guard ContinuousClock.now < deadline else {
                    throw FaultSuiteError("the scheduler did not wait for an operator within 60 s")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            for agent in mesos.agents where !(await agent.isServing) { try await agent.start() }
            let asked = try await scheduler.post(
                "/restore", body: Data(#"{"backup": "\#(id)"}"#.utf8))
            guard asked.status == 202 else {
                throw FaultSuiteError(
                    "POST /restore answered \(asked.status): "
                        + String(decoding: asked.body, as: UTF8.self))
            }
            injected.backupRevision = Int64(revision)
        }
        return injected
    }

    /// Waits until the scheduler's framework is subscribed through the master that leads now.
    func waitForSubscription(to mesos: LocalCluster, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let leader = mesos.leader {
                let frameworks = await leader.master.snapshot.frameworks.values
                if frameworks.contains(where: {
                    $0.streamID.map(leader.leadership.hasOpened) ?? false
                }) {
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FaultSuiteError(
            "the scheduler did not subscribe with the new leading master within \(timeout)")
    }

    func agents(running clientURLs: [String], in mesos: LocalCluster) async throws
        -> [LocalAgent]
    {
        var found: [LocalAgent] = []
        for url in clientURLs {
            let host = URL(string: url)?.host
            for agent in mesos.agents where await agent.configuration.hostname == host {
                found.append(agent)
            }
        }
        guard found.count == clientURLs.count else {
            throw FaultSuiteError("no agent runs some of the members \(clientURLs)")
        }
        return found
    }
}

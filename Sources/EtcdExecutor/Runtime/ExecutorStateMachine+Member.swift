import MesosAPI
import Support
import TaskContract

/// The member's way from LAUNCH through the restore and the reseed listener to etcd, and its stop.
extension ExecutorStateMachine {
    mutating func launch(_ task: TaskInfo, dataDirectoryIsEmpty: Bool) -> [Action] {
        if let member {
            let running = "etcd member \(member.data.member.name) (task \(member.taskID))"
            return [.report(.init(task.taskID, .failed, "this executor already runs \(running)"))]
        }
        if let stopReason {
            return [.report(.init(task.taskID, .killed, "the executor is stopping: \(stopReason)"))]
        }
        let prepared = MemberPreparation.taskData(of: task)
        let restore: EtcdTaskData.RestoreSource? =
            if case .success(let data) = prepared { data.restore } else { nil }
        let needsRestore = restore != nil && dataDirectoryIsEmpty
        let note = restore.map {
            "restoring the member's data dir from the backup \($0.shownURL) before etcd starts"
        }
        let starting = Action.report(.init(task.taskID, .starting, needsRestore ? note : nil))
        let data: EtcdTaskData
        switch prepared {
        case .success(let prepared):
            data = prepared
        case .failure(let failure):
            return [starting, .log(.error, "cannot run task \(task.taskID): \(failure)")]
                + finish(.init(task.taskID, .failed, failure.description), code: 1)
        }
        member = Member(
            taskID: task.taskID, killGracePeriod: task.killPolicy?.gracePeriod?.duration, data: data
        )
        if let restore, needsRestore {
            stage = .restoring
            return [starting, .startRestore(data, from: restore)]
        }
        var actions = [starting]
        if let restore {
            actions.append(
                .log(
                    .notice,
                    "the data dir exists already: starting etcd on it instead of restoring the "
                        + "backup \(restore.shownURL) again"))
        }
        return actions + startListener()
    }

    mutating func restoreEnded(_ result: Result<MemberRestore.Restored, MemberRestoreError>)
        -> [Action]
    {
        guard let member, stage == .restoring else { return [] }
        if let stopReason {
            return finish(
                .init(
                    member.taskID, .killed,
                    "stopped while restoring the backup, etcd never ran: \(stopReason)"),
                code: agentLost ? 1 : 0)
        }
        switch result {
        case .success(let restored):
            self.member?.restored = restored
            return startListener()
        case .failure(let error):
            let name = member.data.member.name
            return [.log(.error, "the restore of task \(member.taskID) failed: \(error)")]
                + finish(
                    .init(
                        member.taskID, .failed,
                        "cannot restore etcd member \(name) from its backup: \(error)"),
                    code: 1)
        }
    }

    private mutating func startListener() -> [Action] {
        guard let member else { return [] }
        stage = .startingListener
        return [
            .startReseedListener(
                host: member.data.member.host, port: member.data.member.httpPort,
                access: ReseedAccess(member.data))
        ]
    }

    mutating func listenerStarted(at now: Instant) -> [Action] {
        guard let member, stage == .startingListener else { return [] }
        if let stopReason {
            return finish(
                .init(member.taskID, .killed, "stopped before etcd started: \(stopReason)"),
                code: agentLost ? 1 : 0)
        }
        stage = .supervising
        supervision = EtcdSupervision(
            launchTimeout: configuration.launchTimeout, reseedTimeout: configuration.reseedTimeout,
            reseedStopGracePeriod: configuration.reseedStopGracePeriod,
            backoff: configuration.backoff)
        let running = "running etcd member \(member.data.member.name) (task \(member.taskID))"
        return [.log(.info, running)] + supervise(.start(at: now))
    }

    /// Stops what runs (the task then ends as KILLED), or exits at once when nothing does.
    mutating func stop(_ reason: String, gracePeriod: Duration) -> [Action] {
        guard member != nil, let stage else {
            exited = true
            return [
                .log(.info, "exiting: \(reason)"),
                .exit(code: agentLost ? 1 : 0, awaitAcknowledgement: false),
            ]
        }
        if stopReason == nil { stopReason = reason }
        switch stage {
        case .restoring:
            return [.log(.info, "stopping the restore: \(reason)"), .stopRestore]
        case .startingListener:
            return [.log(.info, "stopping before etcd starts: \(reason)")]
        case .supervising:
            let grace = GoDuration.format(gracePeriod)
            return [.log(.info, "stopping etcd: \(reason) (grace period \(grace))")]
                + supervise(.stopRequested(gracePeriod: gracePeriod))
        }
    }

    /// Feeds `input` to etcd's supervision and turns its actions into the executor's.
    mutating func supervise(_ input: EtcdSupervision.Input) -> [Action] {
        guard let member, let decided = supervision?.handle(input) else { return [] }
        var actions: [Action] = []
        for action in decided {
            switch action {
            case .launch(let generation, let forceNewCluster):
                actions.append(
                    .etcd(
                        .launch(
                            generation: generation, member: member.data,
                            forceNewCluster: forceNewCluster)))
            case .probe(let generation, let untilLeadingItself):
                actions.append(
                    .etcd(.probe(generation: generation, untilLeadingItself: untilLeadingItself)))
            case .terminate(let generation, let gracePeriod):
                actions.append(.etcd(.terminate(generation: generation, gracePeriod: gracePeriod)))
            case .scheduleRestart(let generation, let delay):
                actions.append(.etcd(.scheduleRestart(generation: generation, after: delay)))
            case .scheduleReseedTimeout(let id, let delay):
                actions.append(.etcd(.scheduleReseedTimeout(id: id, after: delay)))
            case .answerReseed(let id, let outcome):
                actions.append(.answerReseed(id: id, outcome))
            case .reportRunning:
                actions.append(.report(.init(member.taskID, .running, runningMessage(member))))
            case .finish(.stopped):
                let reason = stopReason ?? "on request"
                actions += finish(.init(member.taskID, .killed, "etcd stopped: \(reason)"), code: 0)
            case .finish(.gaveUp(let reason)):
                actions += finish(
                    .init(member.taskID, .failed, reason, attachesEtcdLog: true), code: 1)
            }
        }
        return actions
    }

    private func runningMessage(_ member: Member) -> String {
        let etcd = member.data.member
        var message = "etcd member \(etcd.name) serves clients at \(etcd.clientURL)"
        if let restored = member.restored {
            message += "; restored from backup \(restored.backupID) (revision \(restored.revision))"
        }
        return message
    }
}

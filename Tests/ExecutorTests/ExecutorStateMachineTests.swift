import EtcdExecutor
import Foundation
import MesosAPI
import TaskContract
import Testing

/// The executor's decisions without processes or network: launch, kill, shutdown, SIGTERM,
/// restarts and giving up, reseed, a lost agent.
@Suite struct ExecutorStateMachineTests: StateMachineFixture {
    let start = ContinuousClock.now

    @Test func launchStartsTheListenerThenEtcdAndReportsRunningOnceEtcdAnswers() throws {
        var machine = machine()
        #expect(machine.handle(.subscribed, at: at(0)).isEmpty)
        #expect(
            machine.handle(.launch(try task(), dataDirectoryIsEmpty: true), at: at(0)) == [
                .report(Report(taskID, .starting)),
                listenerStart,
            ])
        #expect(
            machine.handle(.reseedListenerStarted, at: at(0)).withoutLogs == [
                .etcd(.launch(generation: 1, member: data, forceNewCluster: false)),
                .etcd(.probe(generation: 1, untilLeadingItself: false)),
            ])
        let message = "etcd member m1 serves clients at http://127.0.0.9:2379"
        #expect(
            machine.handle(.etcd(.answered(generation: 1)), at: at(1))
                == [.report(Report(taskID, .running, message))])
        #expect(machine.handle(.etcd(.answered(generation: 1)), at: at(2)).isEmpty)
    }

    @Test func killStopsEtcdThenReportsKilledAndExits() throws {
        var machine = try running()
        #expect(
            machine.handle(.kill(taskID, gracePeriod: nil), at: at(2)).withoutLogs
                == [.etcd(.terminate(generation: 1, gracePeriod: .seconds(5)))])
        #expect(
            machine.handle(.etcd(.exited(generation: 1, status: "exited with code 0")), at: at(3))
                == [
                    .report(Report(taskID, .killed, "etcd stopped: killed by the scheduler")),
                    .exit(code: 0, awaitAcknowledgement: true),
                ])
        #expect(machine.handle(.etcd(.restartDue(generation: 1)), at: at(4)).isEmpty)
    }

    @Test func killGracePeriodComesFromTheKillThenTheTaskThenTheAgent() throws {
        var machine = machine()
        _ = machine.handle(
            .launch(try task(killGrace: .seconds(7)), dataDirectoryIsEmpty: true), at: at(0))
        _ = machine.handle(.reseedListenerStarted, at: at(0))
        var copy = machine
        #expect(
            machine.handle(.kill(taskID, gracePeriod: .seconds(2)), at: at(1)).withoutLogs
                == [.etcd(.terminate(generation: 1, gracePeriod: .seconds(2)))])
        #expect(
            copy.handle(.kill(taskID, gracePeriod: nil), at: at(1)).withoutLogs
                == [.etcd(.terminate(generation: 1, gracePeriod: .seconds(7)))])
    }

    @Test func aKillForAnotherTaskIsIgnored() throws {
        var machine = try running()
        let actions = machine.handle(.kill(TaskID("other"), gracePeriod: nil), at: at(2))
        #expect(actions.withoutLogs.isEmpty && actions.count == 1)
    }

    @Test func aSecondLaunchAndTaskGroupsAreRefused() throws {
        var machine = try running()
        let second = TaskID("second")
        #expect(
            machine.handle(.launch(try task(id: second), dataDirectoryIsEmpty: false), at: at(2))
                == [
                    .report(
                        Report(
                            second, .failed,
                            "this executor already runs etcd member m1 (task m1 task)"))
                ])
        #expect(
            machine.handle(.launchGroup([TaskID("g1")]), at: at(2)) == [
                .report(
                    Report(
                        TaskID("g1"), .failed,
                        "the etcd executor runs single tasks, not task groups"))
            ])
    }

    @Test func shutdownAndSIGTERMStopEtcdWithMostOfTheAgentsGracePeriod() throws {
        for event in [Machine.Event.shutdown, .terminationRequested] {
            var machine = try running()
            #expect(
                machine.handle(event, at: at(2)).withoutLogs
                    == [.etcd(.terminate(generation: 1, gracePeriod: .seconds(4)))])
            let reason =
                event == .shutdown
                ? "the agent shut the executor down" : "the executor received SIGTERM or SIGINT"
            #expect(
                machine.handle(
                    .etcd(.exited(generation: 1, status: "killed by signal 15")), at: at(3)) == [
                        .report(Report(taskID, .killed, "etcd stopped: \(reason)")),
                        .exit(code: 0, awaitAcknowledgement: true),
                    ])
        }
    }

    @Test func stoppingWithoutATaskExitsAtOnce() {
        var machine = machine()
        #expect(
            machine.handle(.shutdown, at: at(0)).withoutLogs == [
                .exit(code: 0, awaitAcknowledgement: false)
            ])
        var lost = self.machine()
        #expect(
            lost.handle(.agentLost, at: at(0)).withoutLogs == [
                .exit(code: 1, awaitAcknowledgement: false)
            ])
    }

    @Test func etcdThatKeepsExitingIsRestartedWithBackoffThenFailsTheTaskWithItsLog() throws {
        var machine = machine(launchTimeout: .seconds(4))
        _ = machine.handle(.subscribed, at: at(0))
        _ = machine.handle(.launch(try task(), dataDirectoryIsEmpty: true), at: at(0))
        _ = machine.handle(.reseedListenerStarted, at: at(0))
        #expect(
            machine.handle(.etcd(.exited(generation: 1, status: "exited with code 1")), at: at(0.5))
                == [.etcd(.scheduleRestart(generation: 1, after: .zero))])
        #expect(
            machine.handle(.etcd(.restartDue(generation: 1)), at: at(0.5)) == [
                .etcd(.launch(generation: 2, member: data, forceNewCluster: false)),
                .etcd(.probe(generation: 2, untilLeadingItself: false)),
            ])
        #expect(
            machine.handle(.etcd(.exited(generation: 2, status: "exited with code 1")), at: at(1))
                == [.etcd(.scheduleRestart(generation: 2, after: .seconds(1)))])
        _ = machine.handle(.etcd(.restartDue(generation: 2)), at: at(2))
        // At 3.5 s a restart after 2 s would fall beyond the launch timeout of 4 s.
        let reason =
            "etcd exited with code 1; it was started 3 times and the launch timeout of 4s "
            + "has passed"
        #expect(
            machine.handle(.etcd(.exited(generation: 3, status: "exited with code 1")), at: at(3.5))
                == [
                    .report(Report(taskID, .failed, reason, attachesEtcdLog: true)),
                    .exit(code: 1, awaitAcknowledgement: true),
                ])
        #expect(
            machine.handle(.reseedRequested(id: 1), at: at(4))
                == [
                    .answerReseed(
                        id: 1, .unavailable("etcd is no longer supervised: the task has ended"))
                ])
    }

    @Test func undecodableTaskDataFailsTheTaskAfterStarting() throws {
        var machine = machine()
        _ = machine.handle(.subscribed, at: at(0))
        var broken = try task()
        broken.data = Data("not json".utf8)
        let actions = machine.handle(.launch(broken, dataDirectoryIsEmpty: true), at: at(0))
            .withoutLogs
        #expect(actions.first == .report(Report(taskID, .starting)))
        guard case .report(let failed) = actions.dropFirst().first else {
            Issue.record("expected TASK_FAILED, got \(actions)")
            return
        }
        #expect(failed.state == .failed)
        #expect(actions.last == .exit(code: 1, awaitAcknowledgement: true))
    }

    @Test func aReseedRestartsEtcdAsANewClusterAndAnswersOnceItLeads() throws {
        var machine = try running()
        #expect(
            machine.handle(.reseedRequested(id: 1), at: at(5)) == [
                .etcd(.scheduleReseedTimeout(id: 1, after: .seconds(30))),
                .etcd(.terminate(generation: 1, gracePeriod: .seconds(3))),
            ])
        #expect(
            machine.handle(.etcd(.exited(generation: 1, status: "exited with code 0")), at: at(6))
                == [
                    .etcd(.launch(generation: 2, member: data, forceNewCluster: true)),
                    .etcd(.probe(generation: 2, untilLeadingItself: true)),
                ])
        #expect(
            machine.handle(.etcd(.answered(generation: 2)), at: at(7)) == [
                .answerReseed(id: 1, .reseeded)
            ])
    }

    @Test func losingTheAgentStopsEtcdAndExitsWithoutWaitingForAnAcknowledgement() throws {
        var machine = try running()
        #expect(
            machine.handle(.agentLost, at: at(2)).withoutLogs
                == [.etcd(.terminate(generation: 1, gracePeriod: .seconds(4)))])
        #expect(
            machine.handle(.etcd(.exited(generation: 1, status: "exited with code 0")), at: at(3))
                == [
                    .report(Report(taskID, .killed, "etcd stopped: the executor lost its agent")),
                    .exit(code: 0, awaitAcknowledgement: false),
                ])
    }
}

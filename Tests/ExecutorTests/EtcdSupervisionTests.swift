import EtcdExecutor
import Testing

/// The supervision rules without processes: restarts, giving up, reseed, stop.
@Suite struct EtcdSupervisionTests {
    let start = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .seconds(seconds) }

    private func supervision(launchTimeout: Duration = .seconds(10)) -> EtcdSupervision {
        EtcdSupervision(
            launchTimeout: launchTimeout, reseedTimeout: .seconds(30),
            reseedStopGracePeriod: .seconds(3))
    }

    @Test func exitsAreRestartedAfter0_1_2_3_4_4SecondsUntilTheLaunchTimeoutHasPassed() {
        var machine = supervision(launchTimeout: .seconds(20))
        #expect(
            machine.handle(.start(at: at(0)))
                == [
                    .launch(generation: 1, forceNewCluster: false),
                    .probe(generation: 1, untilLeadingItself: false),
                ])
        var now = 0.0
        var delays: [Duration] = []
        for generation in 1...6 {
            now += 0.5
            let actions = machine.handle(
                .exited(generation: generation, status: "exited with code 1", at: at(now)))
            guard case .scheduleRestart(generation, let delay) = actions.first, actions.count == 1
            else {
                Issue.record("expected a restart after exit \(generation), got \(actions)")
                return
            }
            delays.append(delay)
            now += Double(delay.components.seconds)
            #expect(
                machine.handle(.restartDue(generation: generation)).first
                    == .launch(generation: generation + 1, forceNewCluster: false))
        }
        #expect(delays == [0, 1, 2, 3, 4, 4].map { Duration.seconds($0) })
        // now = 17: a restart after 4 s would fall beyond the 20 s launch timeout.
        let last = machine.handle(
            .exited(generation: 7, status: "exited with code 1", at: at(now + 0.5)))
        guard case .finish(.gaveUp(let reason)) = last.first else {
            Issue.record("expected to give up, got \(last)")
            return
        }
        #expect(reason.contains("exited with code 1") && reason.contains("launch timeout of 20s"))
        #expect(machine.handle(.restartDue(generation: 7)).isEmpty)
    }

    @Test func runningIsReportedOnceAndInputsAboutOldProcessesAreIgnored() {
        var machine = supervision()
        _ = machine.handle(.start(at: at(0)))
        #expect(machine.handle(.answered(generation: 1)) == [.reportRunning])
        #expect(
            machine.handle(.exited(generation: 1, status: "killed by signal 9", at: at(1)))
                == [.scheduleRestart(generation: 1, after: .zero)])
        _ = machine.handle(.restartDue(generation: 1))
        #expect(machine.handle(.answered(generation: 2)).isEmpty)
        #expect(machine.handle(.answered(generation: 1)).isEmpty)
        #expect(machine.handle(.exited(generation: 1, status: "late", at: at(2))).isEmpty)
        #expect(machine.handle(.restartDue(generation: 1)).isEmpty)
    }

    @Test func reseedStopsEtcdAndForcesANewClusterOnceOnly() {
        var machine = supervision(launchTimeout: .seconds(5))
        _ = machine.handle(.start(at: at(0)))
        _ = machine.handle(.answered(generation: 1))
        #expect(
            machine.handle(.reseedRequested(id: 1, at: at(100))) == [
                .scheduleReseedTimeout(id: 1, after: .seconds(30)),
                .terminate(generation: 1, gracePeriod: .seconds(3)),
            ])
        #expect(
            machine.handle(.reseedRequested(id: 2, at: at(100))) == [.answerReseed(id: 2, .busy)])
        #expect(
            machine.handle(.exited(generation: 1, status: "exited with code 0", at: at(101)))
                == [
                    .launch(generation: 2, forceNewCluster: true),
                    .probe(generation: 2, untilLeadingItself: true),
                ])
        #expect(machine.handle(.answered(generation: 2)) == [.answerReseed(id: 1, .reseeded)])
        #expect(machine.handle(.reseedTimedOut(id: 1)).isEmpty)
        // The launch window restarted with the reseed: a crash at 103 s is restarted, without the flag.
        #expect(
            machine.handle(.exited(generation: 2, status: "exited with code 2", at: at(103)))
                == [.scheduleRestart(generation: 2, after: .zero)])
        #expect(
            machine.handle(.restartDue(generation: 2)).first
                == .launch(generation: 3, forceNewCluster: false))
    }

    @Test func aReseedWhoseEtcdExitsOrNeverLeadsFails() {
        var machine = supervision()
        _ = machine.handle(.start(at: at(0)))
        _ = machine.handle(.reseedRequested(id: 1, at: at(1)))
        _ = machine.handle(.exited(generation: 1, status: "exited with code 0", at: at(1)))
        let actions = machine.handle(
            .exited(generation: 2, status: "exited with code 1", at: at(2)))
        let failure = "etcd exited with code 1 before it led a one-member cluster"
        #expect(actions.first == .answerReseed(id: 1, .failed(failure)))
        _ = machine.handle(.restartDue(generation: 2))
        _ = machine.handle(.reseedRequested(id: 2, at: at(3)))
        _ = machine.handle(.exited(generation: 3, status: "exited with code 0", at: at(3)))
        #expect(
            machine.handle(.reseedTimedOut(id: 2))
                == [
                    .answerReseed(
                        id: 2, .failed("etcd did not lead a one-member cluster within 30s"))
                ])
    }

    @Test func stopEndsTheReseedAndPreventsRestarts() {
        var machine = supervision()
        #expect(
            machine.handle(.reseedRequested(id: 1, at: at(0)))
                == [.answerReseed(id: 1, .unavailable("etcd has not been started yet"))])
        _ = machine.handle(.start(at: at(0)))
        _ = machine.handle(.reseedRequested(id: 2, at: at(1)))
        #expect(
            machine.handle(.stopRequested(gracePeriod: .seconds(4))) == [
                .answerReseed(id: 2, .unavailable("the task is being stopped")),
                .terminate(generation: 1, gracePeriod: .seconds(4)),
            ])
        #expect(
            machine.handle(.exited(generation: 1, status: "exited with code 0", at: at(2))) == [
                .finish(.stopped)
            ])
        #expect(
            machine.handle(.reseedRequested(id: 3, at: at(3))).first
                == .answerReseed(
                    id: 3, .unavailable("etcd is no longer supervised: the task has ended")))
    }

    @Test func stopWhileWaitingToRestartFinishesAtOnce() {
        var machine = supervision()
        _ = machine.handle(.start(at: at(0)))
        _ = machine.handle(.exited(generation: 1, status: "exited with code 1", at: at(1)))
        #expect(machine.handle(.stopRequested(gracePeriod: .seconds(1))) == [.finish(.stopped)])
        #expect(machine.handle(.restartDue(generation: 1)).isEmpty)
    }

    @Test func backoffIsLinearAndCapped() {
        let backoff = RestartBackoff()
        #expect(
            (0...7).map { backoff.delay(beforeRestart: $0) }
                == [0, 1, 2, 3, 4, 4, 4, 4].map { Duration.seconds($0) })
    }
}

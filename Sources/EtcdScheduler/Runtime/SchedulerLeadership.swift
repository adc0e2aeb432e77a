import Logging

/// Runs the scheduler only while this instance leads its persistence location (see `SchedulerElection`).
///
/// First the election: while another instance leads, the standby admin API runs; it starts only once the
/// election says this instance must wait, so a lone instance never serves it, and when it stops on its own
/// (SIGTERM) the run ends. Once this instance leads, the standby API is shut down gracefully and `leading`
/// runs, beside a watch on the term: when leadership is lost `leading` is cancelled and
/// `SchedulerElectionError.leadershipLost` is thrown (the binary exits non-zero, since a standby may lead
/// already). Leadership is released however `leading` ends.
enum SchedulerLeadership {
    static func run(
        election: any SchedulerElection, status: StandbyStatus, standby: StandbyAdminServer,
        logger: Logger, leading: @escaping @Sendable () async throws -> Void
    ) async throws {
        guard let term = try await campaign(election: election, status: status, standby: standby)
        else {
            logger.info("the standby scheduler instance stopped before it led")
            return
        }
        logger.info("this scheduler instance leads", metadata: ["election": "\(election.location)"])
        let result: Result<Void, any Error>
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await term.watchForLoss() }
                group.addTask { try await leading() }
                defer { group.cancelAll() }
                try await group.next()
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await term.release()
        try result.get()
    }

    /// What ends the campaign.
    private enum Outcome: Sendable {
        case won(any LeadershipTerm)
        case standbyStopped
        case standbyFailed(any Error)
        case electionFailed(any Error)
    }

    /// The term once this instance leads, or nil when the standby was stopped first. The standby API is shut
    /// down gracefully and awaited, never cancelled (cancelling a NIO server can trap, see `HTTPServer`).
    private static func campaign(
        election: any SchedulerElection, status: StandbyStatus, standby: StandbyAdminServer
    ) async throws -> (any LeadershipTerm)? {
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                await status.untilWaiting()
                guard !status.snapshot.leads else { return .standbyStopped }
                do {
                    try await standby.run()
                    return .standbyStopped
                } catch {
                    return .standbyFailed(error)
                }
            }
            group.addTask {
                do {
                    return .won(try await election.acquire(status: status))
                } catch {
                    return .electionFailed(error)
                }
            }
            let first = await group.next() ?? .standbyStopped
            switch first {
            case .won, .electionFailed:
                // No standby starts any more; a running one stops gracefully and the group waits for it.
                status.leading()
                await standby.stop()
            case .standbyStopped, .standbyFailed:
                group.cancelAll()  // stop campaigning
            }
            return first
        }
        switch outcome {
        case .won(let term): return term
        case .standbyStopped: return nil
        case .standbyFailed(let error), .electionFailed(let error): throw error
        }
    }
}

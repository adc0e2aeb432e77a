import Foundation

/// Reads an executor's event stream and re-subscribes after a break while the rules of
/// docs/mesos-v1-http.md §7.4 allow. It runs as a child task of `ExecutorClient.withSubscription`;
/// the late updates it re-sends run as its own child tasks.
struct ExecutorSubscriptionLoop {
    let session: ExecutorSession
    let first: AsyncThrowingStream<ExecutorEvent.Subscribed, any Error>.Continuation
    let events: AsyncThrowingStream<ExecutorEvent, any Error>.Continuation

    func run() async {
        await withDiscardingTaskGroup { resends in
            await subscribeUntilLost(resends: &resends)
            resends.cancelAll()
        }
    }

    private func subscribeUntilLost(resends: inout DiscardingTaskGroup) async {
        let clock = ContinuousClock()
        let environment = session.environment
        var delivered = false
        var lostSince: ContinuousClock.Instant?
        while true {
            let failure: ExecutorClientError
            do {
                let body = try await session.openStream()
                for try await event in body.mesosRecords(of: ExecutorEvent.self) {
                    let late = session.note(event)
                    if !late.isEmpty { send(late, in: &resends) }
                    if case .subscribed(let subscribed) = event {
                        lostSince = nil
                        if !delivered {
                            delivered = true
                            first.yield(subscribed)
                            first.finish()
                            continue
                        }
                        session.logger.info(
                            "re-subscribed to the agent", metadata: ["agent": "\(session.agent)"])
                    }
                    if delivered { events.yield(event) }
                }
                failure = .streamEnded(agent: session.agent, reason: "the agent closed it")
            } catch let error as ExecutorClientError {
                failure = error
            } catch {
                failure = .streamEnded(agent: session.agent, reason: "\(error)")
            }
            session.markUnsubscribed()
            if Task.isCancelled { return end(nil) }
            guard failure.isTransient else { return end(failure) }
            guard environment.checkpoint else {
                let lost = ExecutorClientError.disconnected(
                    agent: session.agent, reason: "\(failure)")
                return end(delivered ? lost : failure)
            }
            let since = lostSince ?? clock.now
            lostSince = since
            guard clock.now - since < environment.recoveryTimeout else {
                return end(
                    .recoveryTimedOut(
                        agent: session.agent, after: environment.recoveryTimeout,
                        lastError: "\(failure)"))
            }
            session.logger.warning(
                "lost the agent; re-subscribing",
                metadata: ["agent": "\(session.agent)", "error": "\(failure)"])
            try? await Task.sleep(for: backoff(max: environment.subscriptionBackoffMax))
            if Task.isCancelled { return end(nil) }
        }
    }

    /// A random wait in `[max/10, max]`: agents restarted together are not hit at the same instant,
    /// and a refused connection does not turn into a busy loop.
    private func backoff(max: Duration) -> Duration {
        let maximum = Swift.max(Int64(max / .milliseconds(1)), 10)
        return .milliseconds(Int64.random(in: (maximum / 10)...maximum))
    }

    /// Sends the updates recorded while SUBSCRIBE was under way, which it did not carry.
    private func send(_ updates: [ExecutorCall.Update], in resends: inout DiscardingTaskGroup) {
        let session = session
        resends.addTask {
            for update in updates {
                do {
                    try await session.call(.update(update))
                } catch {
                    session.logger.warning(
                        "re-sending an update failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    private func end(_ error: ExecutorClientError?) {
        if let error {
            session.logger.error("the executor subscription ended", metadata: ["error": "\(error)"])
            first.finish(throwing: error)
            events.finish(throwing: error)
        } else {
            first.finish(throwing: ExecutorClientError.closed)
            events.finish()
        }
    }
}

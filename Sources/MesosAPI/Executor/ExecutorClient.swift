import AsyncHTTPClient
import Foundation
import Logging

/// A v1 HTTP executor's link to its agent (`POST <MESOS_AGENT_ENDPOINT>/api/v1/executor`): the SUBSCRIBE
/// stream of events, and UPDATE and MESSAGE calls on other connections.
///
/// Updates are delivered reliably: each gets a fresh uuid and stays in the ledger until the agent
/// acknowledges it. When the subscription breaks and the framework checkpoints (`MESOS_CHECKPOINT=1`), the
/// client re-subscribes on its own, after a random wait of at most `MESOS_SUBSCRIPTION_BACKOFF_MAX` per attempt,
/// carrying the unacknowledged updates and tasks; it gives up after `MESOS_RECOVERY_TIMEOUT`. Without
/// checkpointing a broken subscription ends `events` at once, and the executor should shut down (§7.4).
public final class ExecutorClient: Sendable {
    public var environment: MesosExecutorEnvironment { session.environment }
    /// The first SUBSCRIBED: the executor, framework and agent as the agent knows them.
    public let subscribed: ExecutorEvent.Subscribed
    /// Every event after the first SUBSCRIBED, including a SUBSCRIBED after each re-subscription. Ends with an
    /// `ExecutorClientError` when the agent is lost for good, and without one after `close()`.
    public let events: AsyncThrowingStream<ExecutorEvent, any Error>

    private let session: ExecutorSession
    private let reader: Task<Void, Never>

    private init(
        session: ExecutorSession, subscribed: ExecutorEvent.Subscribed,
        events: AsyncThrowingStream<ExecutorEvent, any Error>, reader: Task<Void, Never>
    ) {
        self.session = session
        self.subscribed = subscribed
        self.events = events
        self.reader = reader
    }

    /// Subscribes to the agent named by `environment` and returns once SUBSCRIBED has arrived.
    ///
    /// - Parameter callTimeout: how long a call (and SUBSCRIBE, up to the response head) may take.
    public static func subscribe(
        environment: MesosExecutorEnvironment,
        httpClient: HTTPClient = .shared,
        callTimeout: Duration = .seconds(10),
        logger: Logger
    ) async throws -> ExecutorClient {
        let session = ExecutorSession(
            environment: environment, httpClient: httpClient, callTimeout: callTimeout, logger: logger)
        let (events, eventInput) = AsyncThrowingStream.makeStream(of: ExecutorEvent.self, throwing: (any Error).self)
        let (first, firstInput) = AsyncThrowingStream.makeStream(
            of: ExecutorEvent.Subscribed.self, throwing: (any Error).self)
        let reader = Task {
            await SubscriptionLoop(session: session, first: firstInput, events: eventInput).run()
        }
        eventInput.onTermination = { _ in reader.cancel() }
        do {
            var iterator = first.makeAsyncIterator()
            guard let subscribed = try await iterator.next() else { throw ExecutorClientError.closed }
            return ExecutorClient(session: session, subscribed: subscribed, events: events, reader: reader)
        } catch {
            reader.cancel()
            throw error
        }
    }

    /// Sends a status update for delivery to the scheduler and returns its uuid.
    ///
    /// The client fills in a fresh `uuid` (unless given), `source` SOURCE_EXECUTOR, this executor's ID and a
    /// timestamp. While the client is re-subscribing, and when the agent cannot be reached, the update waits
    /// in the ledger and goes with the next SUBSCRIBE; it throws only when the agent refuses the update itself.
    @discardableResult
    public func update(_ status: TaskStatus) async throws -> Data {
        var status = status
        let uuid = status.uuid ?? TaskStatus.uuidBytes()
        status.uuid = uuid
        status.source = .executor
        status.executorID = environment.executorID
        if status.timestamp == nil { status.timestamp = Date().timeIntervalSince1970 }
        guard session.record(status) else {
            session.logger.info(
                "not subscribed: the update goes with the next SUBSCRIBE",
                metadata: ["task": "\(status.taskID)", "state": "\(status.state)"])
            return uuid
        }
        do throws(ExecutorClientError) {
            try await session.call(.update(.init(status: status)))
        } catch where error.isTransient {
            session.logger.warning(
                "the update could not be sent now; it goes with the next SUBSCRIBE",
                metadata: ["task": "\(status.taskID)", "state": "\(status.state)", "error": "\(error)"])
        } catch {
            session.discard(uuid: uuid)
            throw error
        }
        return uuid
    }

    /// Sends `data` to the scheduler (best effort: not re-sent if lost).
    public func message(_ data: Data) async throws {
        try await session.call(.message(.init(data: data)))
    }

    /// What the agent has not acknowledged yet.
    public var ledger: ExecutorLedger { session.ledger }

    /// True while subscribed; false while re-subscribing.
    public var isSubscribed: Bool { session.isSubscribed }

    /// Waits until the agent has acknowledged the update `uuid` (every update, when `nil`), for at most `timeout`.
    /// Returns false if the wait timed out.
    public func waitUntilAcknowledged(_ uuid: Data? = nil, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let done = uuid.map { !session.isPending(uuid: $0) } ?? session.ledger.unacknowledgedUpdates.isEmpty
            if done { return true }
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes the subscription; `events` ends without an error.
    public func close() {
        reader.cancel()
    }
}

/// Reads the event stream and re-subscribes after a break while the rules of §7.4 allow.
private struct SubscriptionLoop {
    let session: ExecutorSession
    let first: AsyncThrowingStream<ExecutorEvent.Subscribed, any Error>.Continuation
    let events: AsyncThrowingStream<ExecutorEvent, any Error>.Continuation

    func run() async {
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
                    if !late.isEmpty { sendLate(late) }
                    if case .subscribed(let subscribed) = event {
                        lostSince = nil
                        if !delivered {
                            delivered = true
                            first.yield(subscribed)
                            first.finish()
                            continue
                        }
                        session.logger.info("re-subscribed to the agent", metadata: ["agent": "\(session.agent)"])
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
                return end(delivered ? .disconnected(agent: session.agent, reason: "\(failure)") : failure)
            }
            let since = lostSince ?? clock.now
            lostSince = since
            guard clock.now - since < environment.recoveryTimeout else {
                return end(
                    .recoveryTimedOut(
                        agent: session.agent, after: environment.recoveryTimeout, lastError: "\(failure)"))
            }
            session.logger.warning(
                "lost the agent; re-subscribing", metadata: ["agent": "\(session.agent)", "error": "\(failure)"])
            try? await Task.sleep(for: backoff(max: environment.subscriptionBackoffMax))
            if Task.isCancelled { return end(nil) }
        }
    }

    /// A random wait in `[max/10, max]`: agents restarted together are not hit at the same instant, and a
    /// refused connection does not turn into a busy loop.
    private func backoff(max: Duration) -> Duration {
        let maximum = Swift.max(Int64(max / .milliseconds(1)), 10)
        return .milliseconds(Int64.random(in: (maximum / 10)...maximum))
    }

    /// Updates recorded while SUBSCRIBE was under way, which it did not carry.
    private func sendLate(_ updates: [ExecutorCall.Update]) {
        let session = session
        Task {
            for update in updates {
                do {
                    try await session.call(.update(update))
                } catch {
                    session.logger.warning("re-sending an update failed", metadata: ["error": "\(error)"])
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

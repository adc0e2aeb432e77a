import AsyncHTTPClient
import Foundation
import Logging

/// A v1 HTTP executor's link to its agent (`POST <MESOS_AGENT_ENDPOINT>/api/v1/executor`): the
/// SUBSCRIBE stream of events, and UPDATE and MESSAGE calls on other connections.
///
/// Updates are delivered reliably: each gets a fresh uuid and stays in the ledger until the agent
/// acknowledges it. When the subscription breaks and the framework checkpoints
/// (`MESOS_CHECKPOINT=1`), the client re-subscribes on its own, after a random wait of at most
/// `MESOS_SUBSCRIPTION_BACKOFF_MAX` per attempt, carrying the unacknowledged updates and tasks; it
/// gives up after `MESOS_RECOVERY_TIMEOUT`. Without checkpointing a broken subscription ends
/// `events` at once, and the executor should shut down (docs/mesos-v1-http.md §7.4).
///
/// The subscription runs as a child task of `withSubscription`, so it never outlives its caller.
public final class ExecutorClient: Sendable {
    public var environment: MesosExecutorEnvironment { session.environment }
    /// The first SUBSCRIBED: the executor, framework and agent as the agent knows them.
    public let subscribed: ExecutorEvent.Subscribed
    /// Every event after the first SUBSCRIBED, including a SUBSCRIBED after each re-subscription.
    /// Ends with an `ExecutorClientError` when the agent is lost for good, and without one once the
    /// subscription is closed (`withSubscription` returns or its task is cancelled).
    public let events: AsyncThrowingStream<ExecutorEvent, any Error>

    private let session: ExecutorSession

    private init(
        session: ExecutorSession, subscribed: ExecutorEvent.Subscribed,
        events: AsyncThrowingStream<ExecutorEvent, any Error>
    ) {
        self.session = session
        self.subscribed = subscribed
        self.events = events
    }

    /// Subscribes to the agent named by `environment`, runs `body` with the client once SUBSCRIBED
    /// has arrived, and closes the subscription when `body` returns; throws what SUBSCRIBE failed
    /// with.
    ///
    /// - Parameter callTimeout: how long a call (and SUBSCRIBE, up to the response head) may take.
    public static func withSubscription<Value>(
        environment: MesosExecutorEnvironment,
        httpClient: HTTPClient = .executorStreaming,
        callTimeout: Duration = .seconds(10),
        logger: Logger,
        _ body: (ExecutorClient) async throws -> Value
    ) async throws -> Value {
        let session = ExecutorSession(
            environment: environment, httpClient: httpClient, callTimeout: callTimeout,
            logger: logger)
        let (events, eventInput) = AsyncThrowingStream.makeStream(
            of: ExecutorEvent.self, throwing: (any Error).self)
        let (first, firstInput) = AsyncThrowingStream.makeStream(
            of: ExecutorEvent.Subscribed.self, throwing: (any Error).self)
        return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { group in
            group.addTask {
                await ExecutorSubscriptionLoop(
                    session: session, first: firstInput, events: eventInput
                )
                .run()
            }
            defer { group.cancelAll() }
            var iterator = first.makeAsyncIterator()
            guard let subscribed = try await iterator.next() else {
                throw ExecutorClientError.closed
            }
            return try await body(
                ExecutorClient(session: session, subscribed: subscribed, events: events))
        }
    }

    /// Sends a status update for delivery to the scheduler and returns its uuid.
    ///
    /// The client fills in a fresh `uuid` (unless given), `source` SOURCE_EXECUTOR, this executor's
    /// ID and a timestamp. While the client is re-subscribing, and when the agent cannot be
    /// reached, the update waits in the ledger and goes with the next SUBSCRIBE; it throws only
    /// when the agent refuses the update itself.
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
        } catch  where error.isTransient {
            session.logger.warning(
                "the update could not be sent now; it goes with the next SUBSCRIBE",
                metadata: [
                    "task": "\(status.taskID)", "state": "\(status.state)", "error": "\(error)",
                ])
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

    /// Waits until the agent has acknowledged the update `uuid` (every update, when `nil`), for at
    /// most `timeout`. Returns false if the wait timed out.
    public func waitUntilAcknowledged(_ uuid: Data? = nil, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let done =
                uuid.map { !session.isPending(uuid: $0) }
                ?? session.ledger.unacknowledgedUpdates.isEmpty
            if done { return true }
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

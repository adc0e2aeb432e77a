import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// The HTTP side of an executor's link to its agent, and the state its calls share: whether the executor is
/// subscribed right now, and the ledger of what the agent has not acknowledged yet.
final class ExecutorSession: Sendable {
    let environment: MesosExecutorEnvironment
    let httpClient: HTTPClient
    let callTimeout: Duration
    let logger: Logger

    private struct State {
        var ledger = ExecutorLedger()
        var isSubscribed = false
        /// The updates the pending or current SUBSCRIBE carried; later ones must be sent once it succeeds.
        var carriedBySubscribe: Set<Data> = []
    }
    private let state = Mutex(State())

    init(
        environment: MesosExecutorEnvironment, httpClient: HTTPClient, callTimeout: Duration,
        logger: Logger
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.callTimeout = callTimeout
        self.logger = logger
    }

    var agent: String { environment.agentEndpoint.description }
    var ledger: ExecutorLedger { state.withLock { $0.ledger } }
    var isSubscribed: Bool { state.withLock { $0.isSubscribed } }

    // MARK: Ledger

    /// Records an update about to be sent; true if it should be POSTed now (false: it waits for SUBSCRIBE).
    func record(_ status: TaskStatus) -> Bool {
        state.withLock { state in
            state.ledger.sending(status)
            return state.isSubscribed
        }
    }

    func discard(uuid: Data) {
        state.withLock { $0.ledger.discard(uuid: uuid) }
    }

    func isPending(uuid: Data) -> Bool {
        state.withLock { $0.ledger.isPending(uuid: uuid) }
    }

    /// Takes in what an event changes; returns the updates to send now (after a SUBSCRIBED: those recorded
    /// after the SUBSCRIBE call was made, which it could not carry).
    func note(_ event: ExecutorEvent) -> [ExecutorCall.Update] {
        state.withLock { state in
            switch event {
            case .subscribed:
                state.isSubscribed = true
                let carried = state.carriedBySubscribe
                state.carriedBySubscribe = []
                return state.ledger.unacknowledgedUpdates.filter {
                    !carried.contains($0.status.uuid ?? Data())
                }
            case .launch(let launch):
                state.ledger.launched(launch.task)
            case .launchGroup(let group):
                for task in group.taskGroup.tasks { state.ledger.launched(task) }
            case .acknowledged(let acknowledged):
                state.ledger.acknowledged(taskID: acknowledged.taskID, uuid: acknowledged.uuid)
            default:
                break
            }
            return []
        }
    }

    func markUnsubscribed() {
        state.withLock { $0.isSubscribed = false }
    }

    // MARK: HTTP

    /// POSTs SUBSCRIBE with everything unacknowledged; returns the event stream's body once the agent answers 200.
    func openStream() async throws(ExecutorClientError) -> HTTPClientResponse.Body {
        let subscribe = state.withLock { state in
            state.carriedBySubscribe = Set(
                state.ledger.unacknowledgedUpdates.compactMap(\.status.uuid))
            return state.ledger.subscribe
        }
        let response = try await post(.subscribe(subscribe))
        guard response.status.code == 200 else {
            throw .subscriptionRefused(
                agent: agent, status: Int(response.status.code), body: await text(of: response))
        }
        return response.body
    }

    /// Sends a call other than SUBSCRIBE; throws unless the agent answers 202.
    func call(_ payload: ExecutorCall.Payload) async throws(ExecutorClientError) {
        let response = try await post(payload)
        let body = await text(of: response)
        guard response.status.code == 202 else {
            throw .callRefused(
                call: payload.typeName, agent: agent, status: Int(response.status.code), body: body)
        }
    }

    private func post(_ payload: ExecutorCall.Payload) async throws(ExecutorClientError)
        -> HTTPClientResponse
    {
        let call = ExecutorCall(
            frameworkID: environment.frameworkID, executorID: environment.executorID, payload)
        var request = HTTPClientRequest(url: environment.agentEndpoint.executorURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let token = environment.authenticationToken {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            request.body = .bytes(ByteBuffer(bytes: try MesosJSON.encode(call)))
            // The deadline covers the response head only; a SUBSCRIBE body streams on without one.
            return try await httpClient.execute(request, timeout: .init(callTimeout))
        } catch {
            throw .unreachable(agent: agent, reason: "\(error)")
        }
    }

    private func text(of response: HTTPClientResponse) async -> String {
        let body = try? await response.body.collect(upTo: 1 << 16)
        return body.map { String(buffer: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? ""
    }
}

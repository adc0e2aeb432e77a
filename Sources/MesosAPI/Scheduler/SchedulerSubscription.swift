import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// One v1 scheduler subscription: the `SUBSCRIBE` stream of events from the leading master, and the calls
/// made with its `Mesos-Stream-Id`.
///
/// `withSubscription` subscribes (following a standby's 307 to the leader itself, see
/// `SchedulerSubscribeRequest`), waits for `SUBSCRIBED`, and runs its body with the subscription while a child
/// task reads the stream; `events` yields every event after SUBSCRIBED. The stream ends with an error when the
/// connection breaks, when no event arrives for `missedHeartbeats` heartbeat intervals (Mesos sends HEARTBEAT
/// every 15 s by default), or when a call is answered 307 or 503: the master no longer leads, so the caller
/// must detect the leader again and subscribe there. Calls go on their own connections, as Mesos requires, and
/// always to the master (and URL) that accepted SUBSCRIBE.
public final class SchedulerSubscription: Sendable {
    /// The master that accepted the subscription (after redirects).
    public let endpoint: MesosEndpoint
    /// The scheduler API URL that accepted SUBSCRIBE; every call goes there.
    public let callURL: String
    public let streamID: String
    public let subscribed: SchedulerEvent.Subscribed
    /// Events after SUBSCRIBED. Ends (with an error) when the subscription is lost; `close()` ends it too.
    public let events: AsyncThrowingStream<SchedulerEvent, any Error>
    public var frameworkID: FrameworkID { subscribed.frameworkID }

    private let ending: AsyncThrowingStream<SchedulerEvent, any Error>.Continuation
    private let httpClient: HTTPClient
    private let credential: MesosCredential?
    private let callTimeout: Duration

    private init(
        accepted: SchedulerSubscribeRequest.Accepted, subscribed: SchedulerEvent.Subscribed,
        events: AsyncThrowingStream<SchedulerEvent, any Error>,
        ending: AsyncThrowingStream<SchedulerEvent, any Error>.Continuation,
        httpClient: HTTPClient, credential: MesosCredential?, callTimeout: Duration
    ) {
        self.endpoint = accepted.endpoint
        self.callURL = accepted.url
        self.streamID = accepted.streamID
        self.subscribed = subscribed
        self.events = events
        self.ending = ending
        self.httpClient = httpClient
        self.credential = credential
        self.callTimeout = callTimeout
    }

    /// Subscribes `framework` (with its `id` set to fail over) at `master`, or at the leader `master` redirects
    /// to, and runs `body` with the subscription; the stream's connection closes when `body` returns or throws.
    ///
    /// `httpClient` should not follow redirects (`HTTPClient.Configuration.mesos`).
    public static func withSubscription<T: Sendable>(
        to master: MesosEndpoint,
        framework: FrameworkInfo,
        credential: MesosCredential? = nil,
        httpClient: HTTPClient,
        connectTimeout: Duration = .seconds(10),
        callTimeout: Duration = .seconds(10),
        missedHeartbeats: Int = 5,
        maximumRedirects: Int = 3,
        logger: Logger,
        _ body: (SchedulerSubscription) async throws -> T
    ) async throws -> T {
        let call = SchedulerCall(
            frameworkID: framework.id, .subscribe(.init(frameworkInfo: framework)))
        let request = SchedulerSubscribeRequest(
            body: try MesosJSON.encode(call), credential: credential, httpClient: httpClient,
            timeout: connectTimeout, maximumRedirects: maximumRedirects, logger: logger)
        let accepted = try await request.send(to: master)
        let (events, continuation) = AsyncThrowingStream.makeStream(
            of: SchedulerEvent.self, throwing: (any Error).self)
        let (first, firstContinuation) = AsyncThrowingStream.makeStream(
            of: SchedulerEvent.Subscribed.self, throwing: (any Error).self)
        let reader = SchedulerEventReader(
            body: accepted.response.body, master: accepted.endpoint.description,
            missedHeartbeats: missedHeartbeats, first: firstContinuation, events: continuation,
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await reader.run() }
            // However the body ends, the reader stops and the stream's connection closes.
            defer { group.cancelAll() }
            var iterator = first.makeAsyncIterator()
            guard let subscribed = try await iterator.next() else {
                throw SchedulerClientError.streamEnded(
                    master: accepted.endpoint.description, reason: "it ended before SUBSCRIBED")
            }
            let subscription = SchedulerSubscription(
                accepted: accepted, subscribed: subscribed, events: events, ending: continuation,
                httpClient: httpClient, credential: credential, callTimeout: callTimeout)
            return try await body(subscription)
        }
    }

    /// Sends `payload` for this framework with the stream ID to the master that accepted SUBSCRIBE; throws
    /// unless it answers 202 (200 for UPDATE_FRAMEWORK). A 307 or 503 means that master no longer leads: the
    /// call fails and `events` ends with the same error, so the subscription is given up.
    public func call(_ payload: SchedulerCall.Payload) async throws {
        let call = SchedulerCall(frameworkID: frameworkID, payload)
        var request = HTTPClientRequest(url: callURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Mesos-Stream-Id", value: streamID)
        credential.map { request.headers.add(name: "Authorization", value: $0.basicAuthorization) }
        request.body = .bytes(ByteBuffer(bytes: try MesosJSON.encode(call)))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .init(callTimeout))
        } catch {
            throw SchedulerClientError.unreachable(master: endpoint.description, reason: "\(error)")
        }
        let code = Int(response.status.code)
        switch code {
        case 202, 200:
            _ = try? await response.body.collect(upTo: 1 << 16)
        case 307, 503:
            let detail =
                code == 307
                ? "redirected to \(response.headers.first(name: "Location") ?? "nowhere")"
                : await SchedulerSubscribeRequest.text(of: response)
            let error = SchedulerClientError.notLeading(
                master: endpoint.description, call: call.typeName, status: code, detail: detail)
            ending.finish(throwing: error)
            throw error
        default:
            throw SchedulerClientError.callRefused(
                call: call.typeName, master: endpoint.description, status: code,
                body: await SchedulerSubscribeRequest.text(of: response))
        }
    }

    /// Ends `events`. The framework stays registered (this is not TEARDOWN): the master keeps its tasks for the
    /// failover timeout. The connection closes when `withSubscription`'s body returns.
    public func close() {
        ending.finish()
    }
}

/// A principal and secret for HTTP Basic authentication to the master.
public struct MesosCredential: Sendable, Hashable {
    public var principal: String
    public var secret: String

    public init(principal: String, secret: String) {
        self.principal = principal
        self.secret = secret
    }

    var basicAuthorization: String {
        "Basic " + Data("\(principal):\(secret)".utf8).base64EncodedString()
    }
}

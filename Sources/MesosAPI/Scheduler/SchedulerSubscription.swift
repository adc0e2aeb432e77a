import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// One v1 scheduler subscription: the `SUBSCRIBE` stream of events from the leading master, and the calls
/// made with its `Mesos-Stream-Id`.
///
/// `subscribe` follows 307 redirects to the leader, waits for `SUBSCRIBED`, and from then on `events`
/// yields every event after it. The stream ends with an error when the connection breaks or when no event
/// arrives for `missedHeartbeats` heartbeat intervals (Mesos sends HEARTBEAT every 15 s by default), so the
/// caller always learns of a lost master. Calls go on their own connections, as Mesos requires.
public final class SchedulerSubscription: Sendable {
    /// The master that accepted the subscription (after redirects).
    public let endpoint: MesosEndpoint
    public let streamID: String
    public let subscribed: SchedulerEvent.Subscribed
    /// Events after SUBSCRIBED. Ends (with an error) when the subscription is lost; `close()` ends it too.
    public let events: AsyncThrowingStream<SchedulerEvent, any Error>
    public var frameworkID: FrameworkID { subscribed.frameworkID }

    private let httpClient: HTTPClient
    private let credential: MesosCredential?
    private let reader: Task<Void, Never>
    private let callTimeout: Duration

    private init(
        endpoint: MesosEndpoint, streamID: String, subscribed: SchedulerEvent.Subscribed,
        events: AsyncThrowingStream<SchedulerEvent, any Error>, httpClient: HTTPClient,
        credential: MesosCredential?, reader: Task<Void, Never>, callTimeout: Duration
    ) {
        self.endpoint = endpoint
        self.streamID = streamID
        self.subscribed = subscribed
        self.events = events
        self.httpClient = httpClient
        self.credential = credential
        self.reader = reader
        self.callTimeout = callTimeout
    }

    /// Subscribes `framework` (with its `id` set to fail over) at `master`.
    public static func subscribe(
        to master: MesosEndpoint,
        framework: FrameworkInfo,
        credential: MesosCredential? = nil,
        httpClient: HTTPClient,
        connectTimeout: Duration = .seconds(10),
        callTimeout: Duration = .seconds(10),
        missedHeartbeats: Int = 5,
        logger: Logger
    ) async throws -> SchedulerSubscription {
        let call = SchedulerCall(
            frameworkID: framework.id, .subscribe(.init(frameworkInfo: framework)))
        let body = try MesosJSON.encode(call)
        var endpoint = master
        var url = master.schedulerURL
        var locations: [String] = []
        while true {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "application/json")
            credential.map {
                request.headers.add(name: "Authorization", value: $0.basicAuthorization)
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: .init(connectTimeout))
            } catch {
                throw SchedulerClientError.unreachable(
                    master: endpoint.description, reason: "\(error)")
            }
            switch response.status.code {
            case 307:
                let location = response.headers.first(name: "Location") ?? ""
                locations.append(location)
                _ = try? await response.body.collect(upTo: 1 << 16)
                guard locations.count <= 3 else {
                    throw SchedulerClientError.tooManyRedirects(
                        master: master.description, locations: locations)
                }
                let redirect = try endpoint.resolvingRedirect(location: location)
                logger.info("following the master's redirect", metadata: ["to": "\(redirect)"])
                endpoint = redirect.endpoint
                url = redirect.url
                continue
            case 200:
                guard let streamID = response.headers.first(name: "Mesos-Stream-Id") else {
                    throw SchedulerClientError.missingStreamID(master: endpoint.description)
                }
                return try await start(
                    response: response, endpoint: endpoint, streamID: streamID,
                    httpClient: httpClient,
                    credential: credential, callTimeout: callTimeout,
                    missedHeartbeats: missedHeartbeats,
                    logger: logger)
            default:
                let text =
                    (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) }
                    ?? ""
                throw SchedulerClientError.subscriptionRefused(
                    master: endpoint.description, status: Int(response.status.code),
                    body: text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// Reads up to SUBSCRIBED, then hands the rest of the stream to a reader task.
    private static func start(
        response: HTTPClientResponse, endpoint: MesosEndpoint, streamID: String,
        httpClient: HTTPClient,
        credential: MesosCredential?, callTimeout: Duration, missedHeartbeats: Int, logger: Logger
    ) async throws -> SchedulerSubscription {
        let (events, continuation) = AsyncThrowingStream.makeStream(
            of: SchedulerEvent.self, throwing: (any Error).self)
        let (first, firstContinuation) = AsyncThrowingStream.makeStream(
            of: SchedulerEvent.Subscribed.self, throwing: (any Error).self)
        let master = endpoint.description
        let body = response.body
        let reader = Task {
            let watch = HeartbeatWatch()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        var sawSubscribed = false
                        for try await record in body.recordIORecords() {
                            watch.heard()
                            let event = try MesosJSON.decode(SchedulerEvent.self, from: record)
                            if !sawSubscribed {
                                switch event {
                                case .subscribed(let subscribed):
                                    sawSubscribed = true
                                    let interval = subscribed.heartbeatIntervalSeconds ?? 15
                                    watch.expect(
                                        every: .milliseconds(Int64(interval * 1000))
                                            * max(missedHeartbeats, 1))
                                    firstContinuation.yield(subscribed)
                                    firstContinuation.finish()
                                case .error(let message):
                                    throw SchedulerClientError.errorEvent(
                                        master: master, message: message.message)
                                default:
                                    logger.debug(
                                        "event before SUBSCRIBED ignored",
                                        metadata: ["event": "\(event)"])
                                }
                                continue
                            }
                            continuation.yield(event)
                        }
                        let ended = SchedulerClientError.streamEnded(
                            master: master, reason: "the master closed it")
                        firstContinuation.finish(throwing: ended)
                        continuation.finish(throwing: ended)
                    } catch is CancellationError {
                        firstContinuation.finish(throwing: CancellationError())
                        continuation.finish()
                    } catch let error as SchedulerClientError {
                        firstContinuation.finish(throwing: error)
                        continuation.finish(throwing: error)
                    } catch {
                        let ended = SchedulerClientError.streamEnded(
                            master: master, reason: "\(error)")
                        firstContinuation.finish(throwing: ended)
                        continuation.finish(throwing: ended)
                    }
                }
                group.addTask {
                    // The heartbeat watchdog: a silent connection is a lost one.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(500))
                        if let silent = watch.silenceBeyondLimit() {
                            continuation.finish(
                                throwing: SchedulerClientError.heartbeatsMissed(
                                    master: master, silentFor: silent))
                            return
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        do {
            var iterator = first.makeAsyncIterator()
            guard let subscribed = try await iterator.next() else {
                throw SchedulerClientError.streamEnded(
                    master: master, reason: "it ended before SUBSCRIBED")
            }
            return SchedulerSubscription(
                endpoint: endpoint, streamID: streamID, subscribed: subscribed, events: events,
                httpClient: httpClient, credential: credential, reader: reader,
                callTimeout: callTimeout)
        } catch {
            reader.cancel()
            throw error
        }
    }

    /// Sends `payload` for this framework with the stream ID; throws unless the master answers 202.
    public func call(_ payload: SchedulerCall.Payload) async throws {
        let call = SchedulerCall(frameworkID: frameworkID, payload)
        var request = HTTPClientRequest(url: endpoint.schedulerURL)
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
        let text =
            (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
        guard response.status.code == 202 else {
            throw SchedulerClientError.callRefused(
                call: call.typeName, master: endpoint.description,
                status: Int(response.status.code),
                body: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Closes the event stream's connection. The framework stays registered (this is not TEARDOWN): the
    /// master keeps its tasks for the failover timeout.
    public func close() {
        reader.cancel()
    }
}

/// When the last event arrived, and how long a silence means a lost connection (unknown until SUBSCRIBED).
private final class HeartbeatWatch: Sendable {
    private let state = Mutex<(last: ContinuousClock.Instant, limit: Duration?)>((.now, nil))

    func heard() { state.withLock { $0.last = .now } }
    func expect(every limit: Duration) { state.withLock { $0.limit = limit } }

    /// The silence so far, when it exceeds the limit.
    func silenceBeyondLimit() -> Duration? {
        state.withLock { state in
            let silent = ContinuousClock.now - state.last
            guard let limit = state.limit, silent > limit else { return nil }
            return silent
        }
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

import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import MesosAPI
import NIOCore
import NIOHTTP1

/// A plain HTTP answer: status, headers, body text.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// One HTTP request with AsyncHTTPClient; the whole body is read.
func httpRequest(
    _ url: String, method: HTTPMethod = .POST, headers: [(String, String)] = [], body: Data? = nil
) async throws -> HTTPAnswer {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let collected = try await response.body.collect(upTo: 16 * 1024 * 1024)
    return HTTPAnswer(
        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
        body: String(buffer: collected))
}

/// A tiny v1 scheduler for tests: subscribes over real HTTP, reads the RecordIO event stream in the background
/// and keeps the events for the test to take, and sends calls on other connections.
final class TestScheduler: Sendable {
    let baseURL: String
    let streamID: String
    let frameworkID: FrameworkID
    let subscribeAnswer: HTTPAnswer
    private let inbox: EventInbox
    private let reader: Task<Void, Never>

    private init(
        baseURL: String, streamID: String, frameworkID: FrameworkID, answer: HTTPAnswer,
        inbox: EventInbox,
        reader: Task<Void, Never>
    ) {
        self.baseURL = baseURL
        self.streamID = streamID
        self.frameworkID = frameworkID
        self.subscribeAnswer = answer
        self.inbox = inbox
        self.reader = reader
    }

    /// Subscribes `info` at `baseURL`, runs `body`, and closes the subscription connection afterwards.
    static func withSubscribed<T: Sendable>(
        to baseURL: String, _ info: FrameworkInfo, _ body: (TestScheduler) async throws -> T
    ) async throws -> T {
        let scheduler = try await subscribe(to: baseURL, info)
        defer { scheduler.disconnect() }
        return try await body(scheduler)
    }

    /// Subscribes; the caller must `disconnect()`.
    static func subscribe(to baseURL: String, _ info: FrameworkInfo) async throws -> TestScheduler {
        var request = HTTPClientRequest(url: baseURL + "/api/v1/scheduler")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(
            ByteBuffer(bytes: try MesosJSON.encode(SchedulerCall.subscribe(info))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = HTTPAnswer(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) }, body: "")
        guard answer.status == 200, let streamID = answer.header("Mesos-Stream-Id") else {
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            throw HarnessError(what: "SUBSCRIBE answered \(answer.status): \(text)")
        }
        let inbox = EventInbox()
        let body = response.body
        let reader = Task {
            do {
                for try await record in body.recordIORecords() {
                    await inbox.add(try MesosJSON.decode(SchedulerEvent.self, from: record))
                }
                await inbox.end(nil)
            } catch {
                await inbox.end(error)
            }
        }
        let scheduler = TestScheduler(
            baseURL: baseURL, streamID: streamID, frameworkID: "", answer: answer, inbox: inbox,
            reader: reader)
        let subscribed = try await scheduler.next("SUBSCRIBED") {
            event -> SchedulerEvent.Subscribed? in
            if case .subscribed(let subscribed) = event { return subscribed }
            return nil
        }
        return TestScheduler(
            baseURL: baseURL, streamID: streamID, frameworkID: subscribed.frameworkID,
            answer: answer, inbox: inbox,
            reader: reader)
    }

    /// Closes the subscription connection.
    func disconnect() { reader.cancel() }

    /// Takes the first event not yet taken that `match` accepts, waiting up to `timeout`.
    func next<T: Sendable>(
        _ what: String, timeout: Duration = .seconds(10),
        _ match: @escaping @Sendable (SchedulerEvent) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = await inbox.take(match) { return value }
            if await inbox.ended {
                throw HarnessError(
                    what: "the event stream ended before \(what): \(await inbox.all)")
            }
            if ContinuousClock.now >= deadline {
                throw HarnessError(
                    what: "no \(what) within \(timeout); received \(await inbox.all)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func nextOffers(timeout: Duration = .seconds(10)) async throws -> [Offer] {
        try await next("OFFERS", timeout: timeout) { event in
            if case .offers(let offers) = event { return offers.offers }
            return nil
        }
    }

    func nextUpdate(
        _ what: String = "UPDATE", timeout: Duration = .seconds(10),
        where condition: @escaping @Sendable (TaskStatus) -> Bool = { _ in true }
    ) async throws -> TaskStatus {
        try await next(what, timeout: timeout) { event in
            if case .update(let update) = event, condition(update.status) { return update.status }
            return nil
        }
    }

    /// The event stream's end (nil error: closed cleanly), once it has ended.
    func waitForEnd(timeout: Duration = .seconds(10)) async throws -> String? {
        try await eventually(timeout: timeout, poll: .milliseconds(10), "the event stream to end") {
            await inbox.ended
        }
        return await inbox.endError
    }

    /// All events received so far, taken or not.
    var received: [SchedulerEvent] { get async { await inbox.all } }

    /// POSTs a call for this framework with its stream ID.
    @discardableResult
    func call(_ payload: SchedulerCall.Payload, streamID: String? = nil) async throws -> HTTPAnswer
    {
        try await httpRequest(
            baseURL + "/api/v1/scheduler",
            headers: [
                ("Content-Type", "application/json"),
                ("Mesos-Stream-Id", streamID ?? self.streamID),
            ],
            body: try MesosJSON.encode(SchedulerCall(frameworkID: frameworkID, payload)))
    }
}

private actor EventInbox {
    private var pending: [SchedulerEvent] = []
    private(set) var all: [SchedulerEvent] = []
    private(set) var ended = false
    private(set) var endError: String?

    func add(_ event: SchedulerEvent) {
        pending.append(event)
        all.append(event)
    }

    func end(_ error: (any Error)?) {
        ended = true
        endError = error.map { "\($0)" }
    }

    func take<T>(_ match: (SchedulerEvent) -> T?) -> T? {
        for (index, event) in pending.enumerated() {
            if let value = match(event) {
                pending.remove(at: index)
                return value
            }
        }
        return nil
    }
}

extension FreePort {
    /// A free port on `host`, for a server a test starts.
    static func any(_ host: String = "127.0.0.1") throws -> Int { try allocate(host: host) }
}

/// Runs a master on a free loopback port, with resource-only agents, for `body`.
func withMaster<T: Sendable>(
    agents: Int = 1, configuration: MasterConfiguration = MasterConfiguration(),
    _ body: @Sendable (EmbeddedMaster) async throws -> T
) async throws -> T {
    try await EmbeddedMaster.withRunning(port: try FreePort.any(), configuration: configuration) {
        embedded in
        for index in 0..<agents {
            _ = await embedded.master.addAgent(
                MasterHarness.agentInfo(hostname: "127.0.0.\(index + 2)"), link: nil)
        }
        return try await body(embedded)
    }
}

extension TestScheduler {
    /// ACKNOWLEDGEs `status` if it carries a uuid.
    func acknowledge(_ status: TaskStatus) async throws {
        guard let ack = SchedulerCall.Acknowledge(status) else { return }
        let answer = try await call(.acknowledge(ack))
        guard answer.status == 202 else {
            throw HarnessError(what: "ACKNOWLEDGE answered \(answer.status): \(answer.body)")
        }
    }

    /// Accepts `offer` with `tasks`; fails unless the master answers 202.
    func launch(_ tasks: [TaskInfo], on offer: Offer, refuseSeconds: Double? = nil) async throws {
        let answer = try await call(
            .accept(
                .init(
                    offerIDs: [offer.id], operations: [.launch(tasks)],
                    filters: refuseSeconds.map { Filters(refuseSeconds: $0) })))
        guard answer.status == 202 else {
            throw HarnessError(what: "ACCEPT answered \(answer.status): \(answer.body)")
        }
    }

    /// The next update of `task` in `state`, acknowledged.
    @discardableResult
    func expectUpdate(_ task: TaskID, _ state: TaskState, timeout: Duration = .seconds(15))
        async throws -> TaskStatus
    {
        let status = try await nextUpdate("\(state) for \(task)", timeout: timeout) {
            $0.taskID == task && $0.state == state
        }
        try await acknowledge(status)
        return status
    }
}

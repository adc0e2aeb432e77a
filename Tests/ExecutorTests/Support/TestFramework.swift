import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import MesosAPI
import NIOCore

/// A compact v1 scheduler for the executor tests, over real HTTP: subscribes, keeps every event, acknowledges
/// every status update that has a uuid (so the agent forwards the next one), and makes calls.
final class TestFramework: Sendable {
    let masterURL: String
    let streamID: String
    let frameworkID: FrameworkID
    private let inbox: EventInbox
    private let reader: Task<Void, Never>

    private init(
        masterURL: String, streamID: String, frameworkID: FrameworkID, inbox: EventInbox,
        reader: Task<Void, Never>
    ) {
        self.masterURL = masterURL
        self.streamID = streamID
        self.frameworkID = frameworkID
        self.inbox = inbox
        self.reader = reader
    }

    /// Subscribes at `masterURL`, runs `body`, and closes the subscription however `body` ends.
    static func withSubscribed<T: Sendable>(
        to masterURL: String, checkpoint: Bool = false, _ body: (TestFramework) async throws -> T
    ) async throws -> T {
        let framework = try await subscribe(to: masterURL, checkpoint: checkpoint)
        defer { framework.reader.cancel() }
        return try await body(framework)
    }

    private static func subscribe(to masterURL: String, checkpoint: Bool) async throws
        -> TestFramework
    {
        let info = FrameworkInfo(
            user: NSUserName(), name: "etcd-executor-tests", failoverTimeout: 60,
            checkpoint: checkpoint)
        var request = HTTPClientRequest(url: masterURL + "/api/v1/scheduler")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(
            ByteBuffer(bytes: try MesosJSON.encode(SchedulerCall.subscribe(info))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status.code == 200,
            let streamID = response.headers.first(name: "Mesos-Stream-Id")
        else {
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            throw TestFailure("SUBSCRIBE answered \(response.status.code): \(text)")
        }
        let inbox = EventInbox()
        let body = response.body
        let (firstID, firstIDInput) = AsyncStream.makeStream(of: FrameworkID.self)
        let reader = Task {
            do {
                for try await event in body.mesosRecords(of: SchedulerEvent.self) {
                    if case .subscribed(let subscribed) = event {
                        firstIDInput.yield(subscribed.frameworkID)
                    }
                    await inbox.add(event)
                    if case .update(let update) = event,
                        let ack = SchedulerCall.Acknowledge(update.status)
                    {
                        await inbox.acknowledge(ack)
                    }
                }
            } catch {}
            firstIDInput.finish()
            await inbox.end()
        }
        var iterator = firstID.makeAsyncIterator()
        guard let frameworkID = await iterator.next() else {
            reader.cancel()
            throw TestFailure("the subscription ended before SUBSCRIBED")
        }
        let framework = TestFramework(
            masterURL: masterURL, streamID: streamID, frameworkID: frameworkID, inbox: inbox,
            reader: reader)
        await inbox.setAcknowledger { ack in try? await framework.call(.acknowledge(ack)) }
        return framework
    }

    /// POSTs a call with the stream ID; throws unless the master answers 202.
    func call(_ payload: SchedulerCall.Payload) async throws {
        var request = HTTPClientRequest(url: masterURL + "/api/v1/scheduler")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Mesos-Stream-Id", value: streamID)
        request.body = .bytes(
            ByteBuffer(
                bytes: try MesosJSON.encode(SchedulerCall(frameworkID: frameworkID, payload))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status.code == 202 else {
            throw TestFailure("\(payload.typeName) answered \(response.status.code): \(text)")
        }
    }

    /// Waits for offers until there is one from each of `agents` different agents; returns them by hostname.
    func offers(fromAgents agents: Int, timeout: Duration = .seconds(20)) async throws -> [String:
        Offer]
    {
        var byHost: [String: Offer] = [:]
        try await eventually(
            timeout: timeout, poll: .milliseconds(20), "offers from \(agents) agents"
        ) {
            for offer in await self.inbox.takeOffers() { byHost[offer.hostname] = offer }
            return byHost.count >= agents
        }
        return byHost
    }

    func launch(_ tasks: [TaskInfo], on offer: Offer) async throws {
        try await call(.accept(.init(offerIDs: [offer.id], operations: [.launch(tasks)])))
    }

    func kill(_ task: TaskID, on agent: AgentID) async throws {
        try await call(.kill(.init(taskID: task, agentID: agent)))
    }

    /// The first update of `task` in `state` (received before or after this call), within `timeout`.
    @discardableResult
    func update(
        of task: TaskID, _ state: TaskState, timeout: Duration = .seconds(30)
    ) async throws -> TaskStatus {
        var found: TaskStatus?
        do {
            try await eventually(
                timeout: timeout, poll: .milliseconds(20), "\(state) for task \(task)"
            ) {
                found = await self.inbox.updates(of: task).first { $0.state == state }
                return found != nil
            }
        } catch {
            let seen = await inbox.updates(of: task).map { "\($0.state) \($0.message ?? "")" }
            throw TestFailure("\(error); updates of the task so far: \(seen)")
        }
        return found!
    }

    /// Every update of `task` so far, in order.
    func updates(of task: TaskID) async -> [TaskStatus] { await inbox.updates(of: task) }

    /// The data of every MESSAGE from executors so far.
    func messages() async -> [Data] { await inbox.messages() }
}

private actor EventInbox {
    private var events: [SchedulerEvent] = []
    private var unclaimedOffers: [Offer] = []
    private var acknowledger: (@Sendable (SchedulerCall.Acknowledge) async -> Void)?
    private var pendingAcks: [SchedulerCall.Acknowledge] = []

    func add(_ event: SchedulerEvent) {
        events.append(event)
        if case .offers(let offers) = event { unclaimedOffers += offers.offers }
        if case .rescind(let rescind) = event {
            unclaimedOffers.removeAll { $0.id == rescind.offerID }
        }
    }

    func acknowledge(_ ack: SchedulerCall.Acknowledge) async {
        guard let acknowledger else { return pendingAcks.append(ack) }
        await acknowledger(ack)
    }

    func setAcknowledger(
        _ acknowledger: @escaping @Sendable (SchedulerCall.Acknowledge) async -> Void
    ) async {
        self.acknowledger = acknowledger
        let pending = pendingAcks
        pendingAcks = []
        for ack in pending { await acknowledger(ack) }
    }

    func end() {}

    func takeOffers() -> [Offer] {
        defer { unclaimedOffers = [] }
        return unclaimedOffers
    }

    func messages() -> [Data] {
        events.compactMap { event in
            if case .message(let message) = event { return message.data }
            return nil
        }
    }

    func updates(of task: TaskID) -> [TaskStatus] {
        events.compactMap { event in
            if case .update(let update) = event, update.status.taskID == task {
                return update.status
            }
            return nil
        }
    }
}

/// A test expectation that failed, with what was seen.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

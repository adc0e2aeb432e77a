import Foundation
import LocalMesos
import MesosAPI

/// Drives a `MasterState` in memory with a hand-held clock, as the I/O layer would.
struct MasterHarness {
    var state: MasterState
    var now: Date

    static let masterID = "m"

    init(
        agents: Int = 1,
        configuration: MasterConfiguration = MasterConfiguration(masterID: MasterHarness.masterID)
    ) {
        now = Date(timeIntervalSince1970: 1_700_000_000)
        let info = MasterInfo(
            id: configuration.masterID, ipv4: "127.0.0.1", port: 5050, version: "1.11.0")!
        state = MasterState(configuration: configuration, masterInfo: info, now: now)
        for index in 0..<agents { _ = addAgent(hostname: "127.0.0.\(index + 2)") }
    }

    static func agentInfo(hostname: String, cpus: Double = 4, mem: Double = 4096) -> AgentInfo {
        AgentInfo(
            hostname: hostname, port: 5051,
            resources: ResourceBag(cpus: cpus, mem: mem, disk: 10240, ports: [31000...32000])
                .resources())
    }

    @discardableResult
    mutating func addAgent(hostname: String, cpus: Double = 4, mem: Double = 4096) -> [MasterEffect]
    {
        state.addAgent(Self.agentInfo(hostname: hostname, cpus: cpus, mem: mem), now: now).1
    }

    mutating func advance(_ seconds: Double) -> [MasterEffect] {
        now = now.addingTimeInterval(seconds)
        return state.tick(now: now)
    }

    mutating func subscribe(_ info: FrameworkInfo, stream: StreamID, suppressed: [String] = [])
        -> [MasterEffect]
    {
        state.subscribe(
            .init(frameworkInfo: info, suppressedRoles: suppressed), stream: stream, now: now)
    }

    /// Subscribes and returns the framework ID it got.
    mutating func subscribeNew(_ info: FrameworkInfo = .test(), stream: StreamID) throws
        -> FrameworkID
    {
        let effects = subscribe(info, stream: stream)
        guard case .subscribed(let subscribed) = effects.events(to: stream).first else {
            throw HarnessError(what: "no SUBSCRIBED in \(effects)")
        }
        return subscribed.frameworkID
    }

    mutating func call(
        _ framework: FrameworkID, _ payload: SchedulerCall.Payload, stream: StreamID?
    ) throws(SchedulerCallRejection) -> [MasterEffect] {
        try state.handle(SchedulerCall(frameworkID: framework, payload), streamID: stream, now: now)
    }

    mutating func update(
        _ task: TaskID, _ state: TaskState, framework: FrameworkID, agent: AgentID,
        uuid: Data? = TaskStatus.uuidBytes()
    ) -> [MasterEffect] {
        self.state.statusUpdate(
            TaskStatus(taskID: task, state: state, source: .executor, uuid: uuid),
            framework: framework, agent: agent,
            now: now)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var what: String
    var description: String { what }
}

extension FrameworkInfo {
    static func test(
        failoverTimeout: Double = 60, checkpoint: Bool = true, partitionAware: Bool = false,
        multiRole: Bool = true
    ) -> FrameworkInfo {
        var capabilities: [Capability] = []
        if multiRole { capabilities.append(Capability(.multiRole)) }
        if partitionAware { capabilities.append(Capability(.partitionAware)) }
        return FrameworkInfo(
            user: NSUserName(), name: "etcd-test", failoverTimeout: failoverTimeout,
            checkpoint: checkpoint,
            capabilities: capabilities, roles: multiRole ? ["etcd"] : [])
    }
}

extension Array where Element == MasterEffect {
    func events(to stream: StreamID) -> [SchedulerEvent] {
        compactMap { effect in
            if case .send(let event, let target) = effect, target == stream { return event }
            return nil
        }
    }

    func offers(to stream: StreamID) -> [Offer] {
        events(to: stream).flatMap { event -> [Offer] in
            if case .offers(let offers) = event { return offers.offers }
            return []
        }
    }

    func updates(to stream: StreamID) -> [TaskStatus] {
        events(to: stream).compactMap { event in
            if case .update(let update) = event { return update.status }
            return nil
        }
    }

    var launches: [TaskLaunch] {
        compactMap { effect in
            if case .launchTask(let launch, _) = effect { return launch }
            return nil
        }
    }

    func closes(_ stream: StreamID) -> Bool { contains(.closeStream(stream)) }
}

extension TaskInfo {
    /// A task with a custom executor using `cpus`/`mem` and `ports`.
    static func withExecutor(
        _ id: String, on offer: Offer, cpus: Double = 1, mem: Double = 512,
        ports: [ClosedRange<UInt64>] = []
    ) -> TaskInfo {
        var resources: [Resource] = [.scalar("cpus", cpus), .scalar("mem", mem)]
        if !ports.isEmpty { resources.append(.ranges("ports", ports)) }
        return TaskInfo(
            name: id, taskID: TaskID(id), agentID: offer.agentID, resources: resources,
            executor: ExecutorInfo(
                type: .custom, executorID: ExecutorID("\(id).exec"),
                command: CommandInfo(value: "/bin/true"),
                resources: [.scalar("cpus", 0.1), .scalar("mem", 32)]))
    }
}

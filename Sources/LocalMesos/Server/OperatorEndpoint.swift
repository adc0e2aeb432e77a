import Foundation
import Hummingbird
import MesosAPI

/// `POST /api/v1` on the master: the v1 operator calls tests and tools use (GET_HEALTH, GET_VERSION,
/// GET_MASTER, GET_STATE, GET_FRAMEWORKS, GET_AGENTS, GET_TASKS, GET_EXECUTORS, TEARDOWN, MARK_AGENT_GONE),
/// answered in the `mesos.v1.master.Response` shapes.
struct OperatorEndpoint: Sendable {
    let master: LocalMaster

    func respond(to request: Request) async throws -> Response {
        guard request.method == .post else { return PlainResponse.methodNotAllowed(request.method) }
        guard let contentType = request.headers[.contentType] else {
            return PlainResponse.make(.badRequest, "Expecting 'Content-Type' to be present")
        }
        guard contentType == MediaTypes.json else {
            return PlainResponse.make(
                .unsupportedMediaType, "Expecting 'Content-Type' of application/json")
        }
        guard MediaTypes.accepts(request.headers[.accept], MediaTypes.json) else {
            return PlainResponse.make(
                .notAcceptable, "Expecting 'Accept' to allow 'application/json'")
        }
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        guard
            let call = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))
                as? [String: Any]
        else {
            return PlainResponse.make(.badRequest, "Failed to parse body into JSON")
        }
        guard let type = call["type"] as? String else {
            return PlainResponse.make(
                .badRequest, "Failed to validate master::Call: Expecting 'type' to be present")
        }
        let state = await master.snapshot
        let view = OperatorStateView(state: state)
        switch type {
        case "GET_HEALTH": return answer(type, ["healthy": true])
        case "GET_VERSION":
            return answer(
                type,
                [
                    "version_info": ["version": "1.11.0", "build_user": "etcd-mesos"]
                        as [String: Any]
                ])
        case "GET_MASTER":
            return answer(
                type,
                [
                    "master_info": Self.object(state.masterInfo),
                    "start_time": state.startTime.timeIntervalSince1970,
                    "elected_time": state.startTime.timeIntervalSince1970,
                ])
        case "GET_STATE":
            return answer(
                type,
                [
                    "get_tasks": view.tasks, "get_executors": view.executors,
                    "get_frameworks": view.frameworks,
                    "get_agents": view.agents,
                ])
        case "GET_FRAMEWORKS": return answer(type, view.frameworks)
        case "GET_AGENTS": return answer(type, view.agents)
        case "GET_TASKS": return answer(type, view.tasks)
        case "GET_EXECUTORS": return answer(type, view.executors)
        case "TEARDOWN":
            guard
                let id = ((call["teardown"] as? [String: Any])?["framework_id"] as? [String: Any])?[
                    "value"] as? String
            else {
                return PlainResponse.make(
                    .badRequest,
                    "Failed to validate master::Call: Expecting 'teardown' to be present")
            }
            guard await master.teardown(FrameworkID(id)) else {
                return PlainResponse.make(.badRequest, "Framework \(id) not found")
            }
            return Response(status: .ok, headers: [.contentLength: "0"])
        case "MARK_AGENT_GONE":
            guard
                let id =
                    ((call["mark_agent_gone"] as? [String: Any])?["agent_id"] as? [String: Any])?[
                        "value"] as? String
            else {
                return PlainResponse.make(
                    .badRequest,
                    "Failed to validate master::Call: Expecting 'mark_agent_gone' to be present")
            }
            await master.markAgentGone(AgentID(id))
            return Response(status: .ok, headers: [.contentLength: "0"])
        default:
            return PlainResponse.make(.notImplemented, "")
        }
    }

    private func answer(_ type: String, _ payload: [String: Any]) -> Response {
        PlainResponse.json(["type": type, type.lowercased(): payload])
    }

    /// `value` as Mesos JSON, as a JSONSerialization object.
    static func object(_ value: some Encodable) -> Any {
        (try? MesosJSON.encode(value)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
            ?? [String: Any]()
    }
}

/// The master's state in the shapes of `mesos.v1.master.Response` (GetTasks, GetFrameworks, GetAgents,
/// GetExecutors).
struct OperatorStateView {
    let state: MasterState

    private static func time(_ date: Date) -> [String: Any] {
        ["nanoseconds": Int64((date.timeIntervalSince1970 * 1e9).rounded())]
    }

    private static func resources(_ bag: ResourceBag) -> Any {
        OperatorEndpoint.object(bag.resources(legacyRole: true))
    }

    private func task(_ task: TaskRecord) -> [String: Any] {
        var object: [String: Any] = [
            "name": task.info.name, "task_id": ["value": task.info.taskID.value],
            "framework_id": ["value": task.frameworkID.value],
            "agent_id": ["value": task.agentID.value],
            "state": task.state.name, "resources": OperatorEndpoint.object(task.info.resources),
            "statuses": OperatorEndpoint.object(task.statuses),
        ]
        if let executor = task.executorID { object["executor_id"] = ["value": executor.value] }
        if let head = task.pendingUpdates.first {
            object["status_update_state"] = head.state.name
            if let uuid = head.uuid { object["status_update_uuid"] = uuid.base64EncodedString() }
        }
        if let labels = task.info.labels { object["labels"] = OperatorEndpoint.object(labels) }
        if let discovery = task.info.discovery {
            object["discovery"] = OperatorEndpoint.object(discovery)
        }
        if let killPolicy = task.info.killPolicy {
            object["kill_policy"] = OperatorEndpoint.object(killPolicy)
        }
        return object
    }

    var tasks: [String: Any] {
        let frameworks = state.frameworks.keys.sorted().compactMap { state.frameworks[$0] }
        return [
            "tasks": frameworks.flatMap { framework in
                framework.tasks.keys.sorted().compactMap { framework.tasks[$0] }
            }
            .map(task),
            "unreachable_tasks": frameworks.flatMap { $0.unreachableTasks.values }.map(task),
            "completed_tasks": (frameworks + state.completedFrameworks).flatMap(\.completedTasks)
                .map(task),
        ]
    }

    private func framework(_ framework: FrameworkRecord) -> [String: Any] {
        var used = ResourceBag()
        for task in framework.tasks.values where !task.state.isTerminal { used += task.resources }
        var offered = ResourceBag()
        for id in framework.offerIDs { offered += state.offers[id]?.resources ?? ResourceBag() }
        var object: [String: Any] = [
            "framework_info": OperatorEndpoint.object(framework.info),
            "active": framework.isConnected,
            "connected": framework.isConnected, "recovered": false,
            "registered_time": Self.time(framework.registeredTime),
            "offers": framework.offerIDs.sorted().compactMap {
                state.offers[$0].map { OperatorEndpoint.object($0.offer) }
            },
            "allocated_resources": Self.resources(used),
            "offered_resources": Self.resources(offered),
        ]
        if let time = framework.reregisteredTime { object["reregistered_time"] = Self.time(time) }
        if let time = framework.unregisteredTime { object["unregistered_time"] = Self.time(time) }
        return object
    }

    var frameworks: [String: Any] {
        [
            "frameworks": state.frameworks.keys.sorted().compactMap { state.frameworks[$0] }.map(
                framework),
            "completed_frameworks": state.completedFrameworks.map(framework),
        ]
    }

    var agents: [String: Any] {
        [
            "agents": state.agents.keys.sorted().compactMap { state.agents[$0] }.map {
                agent -> [String: Any] in
                var object: [String: Any] = [
                    "agent_info": OperatorEndpoint.object(agent.info), "active": agent.isConnected,
                    "deactivated": !agent.isConnected, "version": "1.11.0",
                    "pid": "slave(1)@\(agent.info.hostname):\(agent.info.port ?? 5051)",
                    "registered_time": Self.time(agent.registeredTime),
                    "total_resources": Self.resources(agent.total),
                    "allocated_resources": Self.resources(agent.allocated),
                    "offered_resources": Self.resources(agent.offered), "capabilities": [Any](),
                ]
                if let time = agent.reregisteredTime {
                    object["reregistered_time"] = Self.time(time)
                }
                return object
            },
            "recovered_agents": [Any](),
        ]
    }

    var executors: [String: Any] {
        var list: [[String: Any]] = []
        for agentID in state.agents.keys.sorted() {
            for (_, executors) in state.agents[agentID]?.executors ?? [:] {
                for executor in executors.values {
                    list.append([
                        "executor_info": OperatorEndpoint.object(executor),
                        "agent_id": ["value": agentID.value],
                    ])
                }
            }
        }
        return ["executors": list]
    }
}

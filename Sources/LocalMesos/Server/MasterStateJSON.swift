import Foundation
import MesosAPI

/// `/master/state` in the hand-written JSON shape real masters return (not the protobuf shapes): the fields
/// operators and tools read.
struct MasterStateJSON {
    let state: MasterState
    let flags: [String: String]

    var object: [String: Any] {
        let info = state.masterInfo
        let pid = info.pid ?? "master@\(info.dottedIP):\(info.port)"
        let start = state.startTime.timeIntervalSince1970
        let connectedAgents = state.agents.values.filter(\.isConnected).count
        return [
            "version": info.version ?? "1.11.0",
            "build_date": "2026-01-01 00:00:00", "build_time": 1_767_225_600.0,
            "build_user": "etcd-mesos",
            "start_time": start, "elected_time": start,
            "id": info.id, "pid": pid, "hostname": info.hostname ?? info.dottedIP,
            "capabilities": ["AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"],
            "activated_slaves": connectedAgents,
            "deactivated_slaves": state.agents.count - connectedAgents,
            "unreachable_slaves": state.unreachableAgents.count,
            "leader": pid,
            "leader_info": [
                "id": info.id, "pid": pid, "port": info.port,
                "hostname": info.hostname ?? info.dottedIP,
                "ip": info.ip,
            ] as [String: Any],
            "flags": flags,
            "slaves": state.agents.keys.sorted().compactMap { state.agents[$0].map(agent) },
            "recovered_slaves": [Any](),
            "frameworks": state.frameworks.keys.sorted().compactMap {
                state.frameworks[$0].map(framework)
            },
            "completed_frameworks": state.completedFrameworks.map(framework),
            "orphan_tasks": [Any](),
            "unregistered_frameworks": [Any](),
        ]
    }

    /// `{"cpus": 0.5, "gpus": 0.0, "mem": 512.0, "disk": 1024.0, "ports": "[31000-31001]"}`.
    static func resources(_ bag: ResourceBag) -> [String: Any] {
        var result: [String: Any] = [
            "cpus": bag.scalar("cpus"), "gpus": bag.scalar("gpus"), "mem": bag.scalar("mem"),
            "disk": bag.scalar("disk"),
        ]
        if !bag.ranges("ports").isEmpty {
            result["ports"] = ResourceBag.format(bag.ranges("ports"))
        }
        return result
    }

    private func agent(_ agent: AgentRecord) -> [String: Any] {
        let port = Int(agent.info.port ?? 5051)
        var attributes: [String: Any] = [:]
        for attribute in agent.info.attributes {
            attributes[attribute.name] =
                attribute.text?.value ?? attribute.scalar.map { $0.value as Any } ?? ""
        }
        var object: [String: Any] = [
            "id": agent.id.value, "hostname": agent.info.hostname, "port": port,
            "pid": "slave(1)@\(agent.info.hostname):\(port)", "attributes": attributes,
            "registered_time": agent.registeredTime.timeIntervalSince1970,
            "resources": Self.resources(agent.total),
            "used_resources": Self.resources(agent.allocated),
            "offered_resources": Self.resources(agent.offered),
            "reserved_resources": [String: Any](),
            "unreserved_resources": Self.resources(agent.total), "active": agent.isConnected,
            "deactivated": !agent.isConnected, "version": "1.11.0", "capabilities": [String](),
        ]
        if let reregistered = agent.reregisteredTime {
            object["reregistered_time"] = reregistered.timeIntervalSince1970
        }
        return object
    }

    private func framework(_ framework: FrameworkRecord) -> [String: Any] {
        var used = ResourceBag()
        for task in framework.tasks.values where !task.state.isTerminal { used += task.resources }
        var executors: [[String: Any]] = []
        for agentID in state.agents.keys.sorted() {
            for (executorID, executor) in state.agents[agentID]?.executors[framework.id] ?? [:] {
                used += ResourceBag(executor.resources)
                executors.append([
                    "executor_id": executorID.value, "name": executor.name ?? "",
                    "framework_id": framework.id.value,
                    "slave_id": agentID.value,
                    "resources": Self.resources(ResourceBag(executor.resources)),
                    "command": [
                        "value": executor.command?.value ?? "",
                        "shell": executor.command?.runsInShell ?? true,
                    ],
                ])
            }
        }
        var offered = ResourceBag()
        var offers: [[String: Any]] = []
        for id in framework.offerIDs.sorted() {
            guard let offer = state.offers[id] else { continue }
            offered += offer.resources
            offers.append([
                "id": id.value, "framework_id": framework.id.value,
                "slave_id": offer.offer.agentID.value,
                "resources": Self.resources(offer.resources),
            ])
        }
        let info = framework.info
        var object: [String: Any] = [
            "id": framework.id.value, "name": info.name, "user": info.user,
            "hostname": info.hostname ?? "", "webui_url": info.webuiURL ?? "",
            "capabilities": info.capabilities.map(\.type.name),
            "active": framework.isConnected
                && framework.suppressedRoles.count < framework.roles.count,
            "connected": framework.isConnected, "recovered": false,
            "failover_timeout": framework.failoverTimeout, "checkpoint": framework.checkpoints,
            "registered_time": framework.registeredTime.timeIntervalSince1970,
            "unregistered_time": framework.unregisteredTime?.timeIntervalSince1970 ?? 0,
            "used_resources": Self.resources(used), "resources": Self.resources(used + offered),
            "offered_resources": Self.resources(offered),
            "tasks": framework.tasks.keys.sorted().compactMap { framework.tasks[$0].map(task) },
            "unreachable_tasks": framework.unreachableTasks.keys.sorted().compactMap {
                framework.unreachableTasks[$0].map(task)
            },
            "completed_tasks": framework.completedTasks.map(task),
            "offers": offers, "executors": executors,
        ]
        if info.hasCapability(.multiRole) {
            object["roles"] = info.roles
        } else {
            object["role"] = info.role ?? "*"
        }
        if let principal = info.principal { object["principal"] = principal }
        if let reregistered = framework.reregisteredTime {
            object["reregistered_time"] = reregistered.timeIntervalSince1970
        }
        if let labels = info.labels { object["labels"] = Self.labels(labels) }
        return object
    }

    private func task(_ task: TaskRecord) -> [String: Any] {
        var object: [String: Any] = [
            "id": task.info.taskID.value, "name": task.info.name,
            "framework_id": task.frameworkID.value,
            "executor_id": task.executorID?.value ?? "", "slave_id": task.agentID.value,
            "state": task.state.name,
            "resources": Self.resources(task.resources), "role": task.role,
            "statuses": task.statuses.map { status -> [String: Any] in
                var entry: [String: Any] = [
                    "state": status.state.name, "timestamp": status.timestamp ?? 0,
                ]
                if let healthy = status.healthy { entry["healthy"] = healthy }
                return entry
            },
        ]
        if let labels = task.info.labels { object["labels"] = Self.labels(labels) }
        if let discovery = task.info.discovery,
            let data = try? MesosJSON.encode(discovery),
            let json = try? JSONSerialization.jsonObject(with: data)
        {
            object["discovery"] = json
        }
        return object
    }

    private static func labels(_ labels: Labels) -> [[String: Any]] {
        labels.labels.map { label in
            var entry: [String: Any] = ["key": label.key]
            if let value = label.value { entry["value"] = value }
            return entry
        }
    }
}

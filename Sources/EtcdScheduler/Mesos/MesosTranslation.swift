import Foundation
import MesosAPI
import Reconciler

/// Conversions between the Mesos v1 types and the reconciler's own, which share names but not modules.
enum MesosTranslation {
    /// An offer as the reconciler weighs it: only what a plain task may use is counted — unreserved or
    /// reserved to the framework's `role`, on the root disk (no `disk.source`, no persistent volume), neither
    /// revocable nor shared (master/validation.cpp checks a launch against exactly these) — summed by name;
    /// ports may come in several ranges.
    static func resourceOffer(_ offer: MesosAPI.Offer, role: String = "*") -> ResourceOffer {
        let usable = offer.resources.filter { usableByPlainTask($0, role: role) }
        func scalar(_ name: String) -> Double {
            usable.filter { $0.name == name }.compactMap(\.scalarValue).reduce(0, +)
        }
        let ports = usable.filter { $0.name == "ports" }.flatMap(\.rangeValues)
            .map { Int($0.lowerBound)...Int($0.upperBound) }
        return ResourceOffer(
            id: Reconciler.OfferID(offer.id.value),
            agentID: Reconciler.AgentID(offer.agentID.value),
            hostname: offer.hostname, cpus: scalar("cpus"), memoryMB: scalar("mem"),
            diskMB: scalar("disk"), ports: ports)
    }

    /// Whether a task whose resources carry no reservation, disk info or revocable marker may use `resource`.
    static func usableByPlainTask(_ resource: Resource, role: String) -> Bool {
        guard resource.revocable == nil, resource.shared == nil, resource.isOnRootDisk else {
            return false
        }
        guard let reserved = resource.reservationRole else { return true }
        return role != "*" && reserved == role
    }

    /// A v1 status update as the reconciler reads it; the uuid (if any) becomes the acknowledgement ID.
    static func statusUpdate(_ status: MesosAPI.TaskStatus) -> TaskStatusUpdate {
        let state = Reconciler.TaskState(rawValue: status.state.name) ?? .unknown
        return TaskStatusUpdate(
            taskID: Reconciler.TaskID(status.taskID.value),
            state: state,
            agentID: status.agentID.map { Reconciler.AgentID($0.value) },
            reason: status.reason?.name,
            message: status.message,
            fromReconciliation: status.reason?.name == "REASON_RECONCILIATION",
            acknowledgementID: status.uuid?.base64EncodedString())
    }

    static func taskID(_ id: Reconciler.TaskID) -> MesosAPI.TaskID { MesosAPI.TaskID(id.rawValue) }
    static func agentID(_ id: Reconciler.AgentID) -> MesosAPI.AgentID {
        MesosAPI.AgentID(id.rawValue)
    }
    static func offerID(_ id: Reconciler.OfferID) -> MesosAPI.OfferID {
        MesosAPI.OfferID(id.rawValue)
    }
}

import Foundation
import MesosAPI
import Reconciler

/// Conversions between the Mesos v1 types and the reconciler's own, which share names but not modules.
enum MesosTranslation {
    /// An offer as the reconciler weighs it: resources of every role summed, as the original did (docs/original-behaviour.md §4.1).
    static func resourceOffer(_ offer: MesosAPI.Offer) -> ResourceOffer {
        func scalar(_ name: String) -> Double {
            offer.resources.filter { $0.name == name }.compactMap(\.scalarValue).reduce(0, +)
        }
        let ports = offer.resources.filter { $0.name == "ports" }.flatMap(\.rangeValues)
            .map { Int($0.lowerBound)...Int($0.upperBound) }
        return ResourceOffer(
            id: Reconciler.OfferID(offer.id.value),
            agentID: Reconciler.AgentID(offer.agentID.value),
            hostname: offer.hostname, cpus: scalar("cpus"), memoryMB: scalar("mem"),
            diskMB: scalar("disk"),
            ports: ports)
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

import Backup
import Foundation
import Logging
import MesosAPI
import Reconciler

/// Carries out reconciler actions: Mesos calls through the current subscription, persistence, etcd
/// membership calls (to the members the action names, in its order) and reseed orders. Failures are logged;
/// the reconciler notices what did not happen (no update, no member) and retries on its own timers.
struct SchedulerActions: ClusterActionPerformer {
    var link: MesosLink
    var taskBuilder: MemberTaskBuilder
    var store: any ClusterStateStore
    var membership: MembershipOperator
    var reseed: ReseedMessenger
    /// A backup's sidecar (its archive's SHA-256 and sizes) and where the executor fetches it, for a restore
    /// launch.
    var restoreArchives: RestoreArchiveLocator
    var offerRefuseSecondsOnLaunch: Double = 1
    var logger: Logger

    func perform(_ action: ClusterAction, context: ActionContext) async {
        switch action {
        case .persist(let state):
            do {
                try await store.save(state)
            } catch {
                logger.error("cannot persist the cluster state", metadata: ["error": "\(error)"])
            }
        case .launch(let launch):
            await launchMember(launch)
        case .decline(let offerID, let refuseSeconds):
            await call(
                .decline(
                    .init(
                        offerIDs: [MesosTranslation.offerID(offerID)],
                        filters: Filters(refuseSeconds: refuseSeconds))))
        case .suppressOffers:
            await call(.suppress(.init()))
        case .reviveOffers:
            await call(.revive(.init()))
        case .kill(let taskID, let agentID):
            await call(
                .kill(
                    .init(
                        taskID: MesosTranslation.taskID(taskID),
                        agentID: agentID.map(MesosTranslation.agentID))))
        case .acknowledge(let taskID, let agentID, let acknowledgementID):
            guard let agentID, let uuid = Data(base64Encoded: acknowledgementID) else { return }
            await call(
                .acknowledge(
                    .init(
                        agentID: MesosTranslation.agentID(agentID),
                        taskID: MesosTranslation.taskID(taskID), uuid: uuid)))
        case .reconcile(let tasks):
            await call(
                .reconcile(
                    .init(
                        tasks: tasks.map {
                            .init(
                                taskID: MesosTranslation.taskID($0.taskID),
                                agentID: $0.agentID.map(MesosTranslation.agentID))
                        })))
        case .addMember(let peerURL, let asLearner, let via):
            context.startSideWork { [membership] in
                await membership.perform(.add(peerURL: peerURL), asLearner: asLearner, via: via)
            }
        case .removeMember(let id, let via):
            context.startSideWork { [membership] in await membership.perform(.remove(id), via: via)
            }
        case .promoteMember(let id, let via):
            context.startSideWork { [membership] in await membership.perform(.promote(id), via: via)
            }
        case .reseed(let order):
            logger.warning(
                "ordering a reseed",
                metadata: ["seed": "\(order.member)", "epoch": "\(order.clusterEpoch)"])
            context.startSideWork { [reseed] in await reseed.deliver(order) }
        case .answer:
            break  // returned to the requester by the core
        case .log(let entry):
            log(entry)
        }
    }

    private func launchMember(_ launch: MemberLaunch) async {
        do {
            var archive: RestoreArchiveLocator.Located?
            if let backup = launch.restoreFromBackup {
                archive = await restoreArchives.locate(backup)
            }
            let sidecar = archive?.sidecar
            let task = try taskBuilder.taskInfo(
                for: launch, restoreSHA256: sidecar?.archiveSHA256,
                archiveSize: sidecar?.archiveSize, databaseSize: sidecar?.dbSize,
                storeDownload: archive?.storeDownload)
            logger.info(
                "launching etcd member",
                metadata: ["task": "\(launch.taskID)", "agent": "\(launch.agentID)"])
            await call(
                .accept(
                    .init(
                        offerIDs: [MesosTranslation.offerID(launch.offerID)],
                        operations: [.launch(.init(taskInfos: [task]))],
                        filters: Filters(refuseSeconds: offerRefuseSecondsOnLaunch))))
        } catch {
            logger.error(
                "cannot build the task",
                metadata: ["task": "\(launch.taskID)", "error": "\(error)"])
        }
    }

    private func call(_ payload: SchedulerCall.Payload) async {
        do {
            try await link.call(payload)
        } catch {
            logger.warning(
                "Mesos call failed", metadata: ["call": "\(payload.typeName)", "error": "\(error)"])
        }
    }

    private func log(_ entry: ReconcilerLogEntry) {
        switch entry.level {
        case .info: logger.info("\(entry.message)")
        case .notice: logger.notice("\(entry.message)")
        case .warning: logger.warning("\(entry.message)")
        case .error: logger.error("\(entry.message)")
        }
    }
}

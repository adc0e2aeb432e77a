import Foundation
import MesosAPI
import Testing

@testable import EtcdScheduler
@testable import Reconciler

@Suite("MesosTranslation: v1 offers and updates as the reconciler reads them")
struct MesosTranslationTests {
    @Test func anOfferSumsScalarsAndKeepsEveryPortRange() {
        let offer = MesosAPI.Offer(
            id: MesosAPI.OfferID("o-1"), frameworkID: MesosAPI.FrameworkID("f"),
            agentID: MesosAPI.AgentID("a-1"),
            hostname: "127.0.0.2",
            resources: [
                .scalar("cpus", 1.5), .scalar("cpus", 0.5, allocatedTo: "etcd"),
                .scalar("mem", 1024),
                .scalar("disk", 2048), .ranges("ports", [31000...31009, 32000...32000]),
            ])
        let translated = MesosTranslation.resourceOffer(offer)
        #expect(translated.id == Reconciler.OfferID("o-1"))
        #expect(translated.agentID == Reconciler.AgentID("a-1"))
        #expect(translated.hostname == "127.0.0.2")
        #expect(translated.cpus == 2.0)
        #expect(translated.memoryMB == 1024 && translated.diskMB == 2048)
        #expect(translated.ports == [31000...31009, 32000...32000])
    }

    @Test func anOfferWithoutAResourceCountsZero() {
        let offer = MesosAPI.Offer(
            id: MesosAPI.OfferID("o-2"), frameworkID: MesosAPI.FrameworkID("f"),
            agentID: MesosAPI.AgentID("a"),
            hostname: "h", resources: [.scalar("cpus", 4)])
        let translated = MesosTranslation.resourceOffer(offer)
        #expect(translated.memoryMB == 0 && translated.diskMB == 0 && translated.ports.isEmpty)
    }

    @Test func anUpdateCarriesStateReasonAndTheAcknowledgementID() {
        let uuid = Data((0..<16).map { UInt8($0) })
        let status = MesosAPI.TaskStatus(
            taskID: MesosAPI.TaskID("etcd-1 h 1 2 3"), state: .running, message: "up",
            agentID: MesosAPI.AgentID("a-1"), reason: .reconciliation, uuid: uuid)
        let update = MesosTranslation.statusUpdate(status)
        #expect(update.taskID == Reconciler.TaskID("etcd-1 h 1 2 3"))
        #expect(update.state == .running)
        #expect(update.agentID == Reconciler.AgentID("a-1"))
        #expect(update.reason == "REASON_RECONCILIATION")
        #expect(update.fromReconciliation)
        #expect(update.message == "up")
        #expect(update.acknowledgementID == uuid.base64EncodedString())
    }

    @Test func anUpdateWithoutUUIDNeedsNoAcknowledgement() {
        let status = MesosAPI.TaskStatus(taskID: MesosAPI.TaskID("t"), state: .failed)
        let update = MesosTranslation.statusUpdate(status)
        #expect(update.state == .failed)
        #expect(update.acknowledgementID == nil)
        #expect(!update.fromReconciliation)
    }
}

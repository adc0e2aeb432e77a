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

@Suite("MesosTranslation: only what a plain task may use is counted")
struct UsableResourceTests {
    private func offer(_ resources: [Resource]) -> MesosAPI.Offer {
        MesosAPI.Offer(
            id: MesosAPI.OfferID("o"), frameworkID: MesosAPI.FrameworkID("f"),
            agentID: MesosAPI.AgentID("a"), hostname: "h", resources: resources)
    }

    @Test func reservedRevocableSharedAndSourcedDisksAreNotCounted() {
        var reserved = Resource.scalar("cpus", 8)
        reserved.reservations = [ReservationInfo(type: .static, role: "prod")]
        var legacyReserved = Resource.scalar("mem", 4096)
        legacyReserved.role = "prod"
        var revocable = Resource.scalar("cpus", 2)
        revocable.revocable = Marker()
        var mount = Resource.scalar("disk", 8192)
        mount.disk = DiskInfo(source: .init(type: .mount, mount: .init(root: "/mnt/d1")))
        var path = Resource.scalar("disk", 4096)
        path.disk = DiskInfo(source: .init(type: .path, path: .init(root: "/mnt/p1")))
        var volume = Resource.scalar("disk", 512)
        volume.disk = DiskInfo(persistence: .init(id: "v1"))
        volume.shared = Marker()
        var unreservedLegacy = Resource.scalar("mem", 1024)
        unreservedLegacy.role = "*"
        let translated = MesosTranslation.resourceOffer(
            offer([
                .scalar("cpus", 1), reserved, revocable, legacyReserved, unreservedLegacy, mount,
                path,
                volume, .scalar("disk", 100), .ranges("ports", [31000...31001, 31005...31010]),
            ]))
        #expect(translated.cpus == 1)
        #expect(translated.memoryMB == 1024)
        #expect(translated.diskMB == 100)
        #expect(translated.ports == [31000...31001, 31005...31010])
    }

    @Test func anOfferWhoseOnlyDiskIsAMountDiskHasNoDiskForAPlainTask() {
        var mount = Resource.scalar("disk", 8192)
        mount.disk = DiskInfo(source: .init(type: .mount, mount: .init(root: "/mnt/d1")))
        let translated = MesosTranslation.resourceOffer(
            offer([.scalar("cpus", 4), .scalar("mem", 4096), mount]))
        #expect(translated.diskMB == 0)
    }

    @Test func reservationsToTheFrameworksOwnRoleCount() {
        var reserved = Resource.scalar("cpus", 2)
        reserved.reservations = [ReservationInfo(type: .dynamic, role: "etcd")]
        #expect(MesosTranslation.usableByPlainTask(reserved, role: "etcd"))
        #expect(!MesosTranslation.usableByPlainTask(reserved, role: "*"))
        #expect(!MesosTranslation.usableByPlainTask(reserved, role: "other"))
    }

    @Test func theNewFieldsSurviveAJSONRoundTrip() throws {
        let json = #"""
            {"name":"disk","type":"SCALAR","scalar":{"value":8192},"revocable":{},"shared":{},
             "disk":{"persistence":{"id":"v1"},"source":{"type":"MOUNT","mount":{"root":"/mnt/d1"}}}}
            """#
        let resource = try MesosJSON.decode(Resource.self, from: Data(json.utf8))
        #expect(
            resource.disk?.source?.type == .mount && resource.disk?.source?.mount?.root == "/mnt/d1"
        )
        #expect(resource.disk?.persistence?.id == "v1")
        #expect(resource.revocable != nil && resource.shared != nil)
        let again = try MesosJSON.decode(
            Resource.self, from: try MesosJSON.encoder().encode(resource))
        #expect(again == resource)
    }
}

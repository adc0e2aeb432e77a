import Foundation
import LocalMesos
import MesosAPI
import Testing

/// `--resources` as a Mesos agent reads it, and a master that launches only on resources of the same kind.
@Suite("Local Mesos: agent resources in Mesos' syntax; launches checked against their kind")
struct AgentResourcesTests {
    private let defaults = ResourceBag(cpus: 4, mem: 4096, disk: 10240, ports: [31000...32000])

    @Test func textWithRolesAndSeveralPortRanges() throws {
        let resources = try AgentResourcesFlag.parse(
            "cpus:2; cpus(prod):1.5; ports:[31000-31500, 32000-32100]", defaults: defaults)
        let bag = ResourceBag(resources)
        #expect(bag.scalar("cpus") == 3.5)
        #expect(bag.ranges("ports") == [31000...31500, 32000...32100])
        #expect(bag.scalar("mem") == 4096 && bag.scalar("disk") == 10240)
        let prod = resources.first { $0.reservationRole == "prod" }
        #expect(prod?.scalarValue == 1.5)
        #expect(bag.description.contains("cpus(reservations: [(STATIC,prod)]):1.5"))
    }

    @Test func aMountDiskInJSONReplacesTheRootDisk() throws {
        let resources = try AgentResourcesFlag.parse(
            #"[{"name":"disk","type":"SCALAR","scalar":{"value":8192},"#
                + #""disk":{"source":{"type":"MOUNT","mount":{"root":"/mnt/d1"}}}}]"#,
            defaults: defaults)
        let disks = resources.filter { $0.name == "disk" }
        #expect(disks.count == 1)
        #expect(disks.first?.disk?.source?.type == .mount)
        #expect(ResourceBag(resources).description.contains("disk[MOUNT:/mnt/d1]:8192"))
    }

    @Test(arguments: [
        ("cpus:4:5", "missing or extra ':'"), ("cpus(prod:4", "mismatched parentheses"),
        ("cpus:many", "Failed to parse scalar"), ("ports:[32000-31000]", "Failed to parse ranges"),
        ("cpus:-1", "Invalid scalar resource cpus"),
        (#"[{"name":"disk"}]"#, "Failed to parse resources JSON"),
    ])
    func badFlagsAreRefusedNamingTheProblem(text: String, problem: String) {
        #expect {
            try AgentResourcesFlag.parse(text, defaults: defaults)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }

    /// master/validation.cpp: a plain `disk` request is not satisfied by a MOUNT disk.
    @Test func aPlainDiskLaunchOnAMountOnlyAgentIsTaskErrorMoreThanAvailable() throws {
        var master = MasterHarness(agents: 0)
        let mount = try AgentResourcesFlag.parse(
            #"[{"name":"disk","type":"SCALAR","scalar":{"value":8192},"#
                + #""disk":{"source":{"type":"MOUNT","mount":{"root":"/mnt/d1"}}}}]"#,
            defaults: defaults)
        _ = master.state.addAgent(
            AgentInfo(hostname: "127.0.0.2", port: 5051, resources: mount), now: master.now)
        let id = try master.subscribeNew(.test(), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        #expect(offer.resources.contains { $0.disk?.source?.type == .mount })
        var task = TaskInfo.withExecutor("t1", on: offer)
        task.resources.append(.scalar("disk", 1024))
        let effects = try master.call(
            id, .accept(.init(offerIDs: [offer.id], operations: [.launch([task])])), stream: "s")
        #expect(effects.launches.isEmpty)
        let status = try #require(effects.updates(to: "s").first)
        #expect(status.state == .error && status.reason == .taskInvalid)
        #expect(
            status.message?.contains("is more than available") == true, "\(status.message ?? "")")
        #expect(status.message?.contains("disk[MOUNT:/mnt/d1]:8192") == true)
    }

    /// The allocator offers resources reserved to a role only to frameworks in that role.
    @Test func resourcesReservedToAnotherRoleAreNotOffered() throws {
        var master = MasterHarness(agents: 0)
        let resources = try AgentResourcesFlag.parse(
            "cpus(prod):8;mem(prod):8192;cpus:2;mem:1024", defaults: defaults)
        _ = master.state.addAgent(
            AgentInfo(hostname: "127.0.0.2", port: 5051, resources: resources), now: master.now)
        _ = try master.subscribeNew(.test(), stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        #expect(!offer.resources.contains { $0.reservationRole == "prod" })
        #expect(ResourceBag(offer.resources).scalar("cpus") == 2)
        #expect(ResourceBag(offer.resources).scalar("mem") == 1024)
    }
}

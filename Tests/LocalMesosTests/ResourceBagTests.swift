import LocalMesos
import MesosAPI
import Testing

@Suite struct ResourceBagTests {
    @Test func subtractingSplitsRangesAndStopsScalarsAtZero() {
        let total = ResourceBag(cpus: 4, mem: 4096, disk: 10240, ports: [31000...32000])
        let used = ResourceBag([
            .scalar("cpus", 0.1), .scalar("cpus", 0.2), .ranges("ports", [31005...31006]),
        ])
        let left = total - used
        #expect(left.scalar("cpus") == 3.7)
        #expect(left.ranges("ports") == [31000...31004, 31007...32000])
        #expect((used - total).isEmpty)
        #expect(left + used == total)
    }

    @Test func containsNeedsEveryRangeInsideOneOfferedRange() {
        let offered = ResourceBag([
            .scalar("cpus", 1), .ranges("ports", [31000...31010, 31020...31030]),
        ])
        #expect(offered.contains(ResourceBag([.ranges("ports", [31001...31002, 31025...31025])])))
        #expect(!offered.contains(ResourceBag([.ranges("ports", [31009...31021])])))
        #expect(!offered.contains(ResourceBag([.ranges("ports", [30000...30000])])))
        #expect(!offered.contains(ResourceBag([.scalar("cpus", 1.001)])))
        #expect(!offered.contains(ResourceBag([.scalar("mem", 1)])))
    }

    @Test func tenthsOfCPUsAddUpExactly() {
        var bag = ResourceBag()
        for _ in 0..<10 { bag += ResourceBag([.scalar("cpus", 0.1)]) }
        #expect(bag.scalar("cpus") == 1.0)
        #expect(bag.contains(ResourceBag([.scalar("cpus", 1)])))
    }

    @Test func describesItselfAsMesosDoes() {
        let bag = ResourceBag([
            .scalar("mem", 512), .scalar("cpus", 0.5), .ranges("ports", [31000...31001]),
        ])
        #expect(bag.description == "cpus:0.5; mem:512; ports:[31000-31001]")
        #expect(ResourceBag().description == "{}")
    }

    @Test func rendersForMultiRoleAndLegacyFrameworks() {
        let bag = ResourceBag([.scalar("cpus", 1)])
        let multiRole = bag.resources(allocationRole: "etcd")
        #expect(multiRole.first?.allocationInfo?.role == "etcd")
        #expect(multiRole.first?.role == nil)
        let legacy = bag.resources(legacyRole: true)
        #expect(legacy.first?.allocationInfo == nil)
        #expect(legacy.first?.role == "*")
    }
}

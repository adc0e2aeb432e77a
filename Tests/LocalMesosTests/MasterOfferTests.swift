import Foundation
import LocalMesos
import MesosAPI
import Testing

@Suite struct MasterOfferTests {
    @Test func offersCarryTheAgentsUnallocatedResourcesOncePerAgent() throws {
        var master = MasterHarness(agents: 2)
        let effects = master.subscribe(.test(), stream: "s")
        let offers = effects.offers(to: "s")
        #expect(offers.map(\.agentID) == ["m-S0", "m-S1"])
        #expect(offers.map(\.id) == ["m-O0", "m-O1"])
        let resources = ResourceBag(offers[0].resources)
        #expect(resources == ResourceBag(cpus: 4, mem: 4096, disk: 10240, ports: [31000...32000]))
        #expect(offers[0].allocationInfo?.role == "etcd")
        #expect(
            offers[0].resources.allSatisfy { $0.allocationInfo?.role == "etcd" && $0.role == "*" })
        #expect(offers[0].url?.address.port == 5051)
        // Outstanding offers are not made again.
        #expect(master.advance(1).offers(to: "s").isEmpty)
    }

    @Test func nonMultiRoleFrameworksGetNoAllocationInfo() throws {
        var master = MasterHarness(agents: 1)
        let offers = master.subscribe(.test(multiRole: false), stream: "s").offers(to: "s")
        #expect(offers.first?.allocationInfo == nil)
        #expect(
            offers.first?.resources.allSatisfy { $0.allocationInfo == nil && $0.role == "*" }
                == true)
    }

    @Test func declinedResourcesStayAwayForTheDefaultFiveSeconds() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        #expect(try master.call(id, .decline(.init(offerIDs: [offer.id])), stream: "s").isEmpty)
        #expect(master.advance(4.9).offers(to: "s").isEmpty)
        #expect(master.advance(0.2).offers(to: "s").map(\.agentID) == [offer.agentID])
    }

    @Test func declineHonoursRefuseSeconds() throws {
        var master = MasterHarness(agents: 2)
        let id = try master.subscribeNew(stream: "s")
        let offer = try #require(
            master.state.offers.values.first { $0.offer.agentID == "m-S0" }?.offer)
        _ = try master.call(
            id, .decline(.init(offerIDs: [offer.id], filters: Filters(refuseSeconds: 30))),
            stream: "s")
        for _ in 0..<29 { #expect(master.advance(1).offers(to: "s").isEmpty) }
        #expect(master.advance(1.5).offers(to: "s").map(\.agentID) == ["m-S0"])
    }

    @Test func declineWithZeroRefuseSecondsIsOfferedAgainNextRound() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id, .decline(.init(offerIDs: [offer.id], filters: Filters(refuseSeconds: 0))),
            stream: "s")
        #expect(master.advance(1).offers(to: "s").count == 1)
    }

    @Test func reviveClearsFiltersAndSuppressStopsOffers() throws {
        var master = MasterHarness(agents: 1)
        let id = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id, .decline(.init(offerIDs: [offer.id], filters: Filters(refuseSeconds: 3600))),
            stream: "s")
        #expect(try master.call(id, .revive(.init()), stream: "s").offers(to: "s").count == 1)

        _ = try master.call(id, .suppress(.init()), stream: "s")
        let second = try #require(master.state.offers.values.first?.offer)
        _ = try master.call(
            id, .decline(.init(offerIDs: [second.id], filters: Filters(refuseSeconds: 0))),
            stream: "s")
        #expect(master.advance(10).offers(to: "s").isEmpty)
        #expect(
            try master.call(id, .revive(.init(roles: ["etcd"])), stream: "s").offers(to: "s").count
                == 1)
    }

    @Test func suppressedRolesAtSubscribeGetNoOffers() throws {
        var master = MasterHarness(agents: 1)
        let effects = master.subscribe(.test(), stream: "s", suppressed: ["etcd"])
        #expect(effects.offers(to: "s").isEmpty)
    }

    @Test func pausedAgentIsRescindedAndNotOfferedUntilResumed() throws {
        var master = MasterHarness(agents: 1)
        _ = try master.subscribeNew(stream: "s")
        let offer = try #require(master.state.offers.values.first?.offer)
        let paused = master.state.setOfferingPaused(offer.agentID, true, now: master.now)
        #expect(paused.events(to: "s") == [.rescind(.init(offerID: offer.id))])
        #expect(master.advance(10).offers(to: "s").isEmpty)
        #expect(
            master.state.setOfferingPaused(offer.agentID, false, now: master.now).offers(to: "s")
                .count == 1)
    }

    @Test func aNewAgentIsOfferedAtOnce() throws {
        var master = MasterHarness(agents: 0)
        _ = try master.subscribeNew(stream: "s")
        let offers = master.addAgent(hostname: "127.0.0.9").offers(to: "s")
        #expect(offers.map(\.hostname) == ["127.0.0.9"])
    }
}

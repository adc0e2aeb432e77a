import Reconciler
import Support
import Testing

@Suite("Randomized fault sequences")
struct RandomizedTests {
    /// Random agent losses, partitions, failing etcd calls, slow etcd answers, rescinds, flapping hosts,
    /// disconnections and scheduler restarts. After every event: never more than N tasks or etcd members,
    /// never two members on one host, never a second `new` cluster while members live. Once the faults
    /// stop, the cluster always returns to N healthy members.
    @Test(arguments: 1...40)
    func anySequenceStaysWithinTheSizeAndHeals(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let size = seed % 2 == 0 ? 3 : 5
        var h = Harness(size: size, agents: size + 2)
        h.formCluster()
        let agents = Array(2..<(2 + size + 2))
        var disconnected = false
        for _ in 0..<1500 {
            let newBefore = h.world.newClusterLaunches
            let liveBefore = h.world.liveTaskCount
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<3: h.world.loseAgent(agents.randomElement(using: &random)!)
            case 3..<8: h.world.restartAgent(agents.randomElement(using: &random)!)
            case 8..<11: h.cutOff(hosts: [agents.randomElement(using: &random)!])
            case 11..<16: h.reconnect(hosts: [agents.randomElement(using: &random)!])
            case 16..<18: h.world.membershipCallsFail.toggle()
            case 18..<20:
                h.world.holdMembershipResults.toggle()
                if !h.world.holdMembershipResults { h.world.releaseHeldResults() }
            case 20..<22:
                if let offer = h.world.outstandingOffers.keys.randomElement(using: &random) {
                    h.world.outstandingOffers[offer] = nil
                    h.send(.offerRescinded(offer))
                }
            case 22..<24:
                let host = "127.0.0.\(agents.randomElement(using: &random)!)"
                if h.world.failingHosts.contains(host) {
                    h.world.failingHosts.remove(host)
                } else {
                    h.world.failingHosts.insert(host)
                }
            case 24..<26:
                if disconnected { h.subscribe() } else { h.disconnect() }
                disconnected.toggle()
            case 26..<27:
                h.restartScheduler()
                h.subscribe()
                disconnected = false
            case 27..<29: h.tick(.seconds(60))
            default: h.step()
            }
            h.deliver()
            h.expectWithinBounds()
            if h.world.newClusterLaunches > newBefore {
                #expect(
                    liveBefore == 0,
                    "seed \(seed): a new cluster was started while \(liveBefore) task(s) lived")
            }
        }
        // The faults stop.
        for agent in agents { h.world.restartAgent(agent) }
        h.reconnect(hosts: agents)
        h.world.membershipCallsFail = false
        h.world.failingHosts = []
        h.world.holdMembershipResults = false
        h.world.releaseHeldResults()
        if disconnected { h.subscribe() }
        h.deliver()
        if h.phase == .awaitingOperator { h.send(.operatorRequestedEmptyStart) }
        let healed = h.run(until: \.isSettled, within: .seconds(1500)) { $0.expectWithinBounds() }
        #expect(
            healed,
            "seed \(seed): not healed: \(h.stats), world members \(h.world.members.count), tasks \(h.world.liveTaskCount)"
        )
    }
}

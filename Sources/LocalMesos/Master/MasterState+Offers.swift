import Foundation
import MesosAPI

extension MasterState {
    /// One allocation round: each connected agent's resources that are neither used nor offered go, as one
    /// offer, to the connected, unsuppressed framework with the smallest dominant share that holds no offer
    /// for that agent and has no decline filter covering them. Offers go out as one OFFERS event per framework.
    mutating func allocate(now: Date) -> [MasterEffect] {
        nextAllocation =
            frameworks.values.contains(where: \.isConnected)
            ? now.addingTimeInterval(configuration.allocationIntervalSeconds) : nil
        dropExpiredFilters(now: now)
        let eligible: [(FrameworkID, StreamID, String)] = frameworks.values.compactMap {
            framework in
            guard let stream = framework.streamID,
                let role = framework.roles.first(where: { !framework.suppressedRoles.contains($0) })
            else { return nil }
            return (framework.id, stream, role)
        }
        guard !eligible.isEmpty else { return [] }
        var shares = dominantShares()
        var made: [FrameworkID: [Offer]] = [:]
        let (totalCPUs, totalMem) = clusterTotals()
        for agentID in agentOrder {
            guard let agent = agents[agentID], agent.isConnected, !agent.offeringPaused else {
                continue
            }
            let available = agent.available
            // Mesos' minimum allocatable resources: 0.01 cpus or 32 MB of memory.
            guard available.scalar("cpus") >= 0.01 || available.scalar("mem") >= 32 else {
                continue
            }
            // The framework with the smallest dominant share that wants these resources gets them (DRF).
            let candidates = eligible.sorted {
                let (a, b) = (shares[$0.0] ?? 0, shares[$1.0] ?? 0)
                return a != b ? a < b : $0.0 < $1.0
            }
            for (frameworkID, _, role) in candidates {
                if agent.offerIDs.contains(where: { offers[$0]?.offer.frameworkID == frameworkID })
                {
                    continue
                }
                if let agentFilters = filters[frameworkID]?[agentID],
                    agentFilters.contains(where: { $0.resources.contains(available) })
                {
                    continue
                }
                guard let framework = frameworks[frameworkID] else { continue }
                // Resources reserved to other roles, and revocable ones without the capability, are never
                // offered to this framework (the allocator's role and capability filters).
                let offerable = available.offerable(
                    toRoles: [role], revocable: framework.info.hasCapability(.revocableResources))
                guard offerable.scalar("cpus") >= 0.01 || offerable.scalar("mem") >= 32 else {
                    continue
                }
                made[frameworkID, default: []].append(
                    makeOffer(of: offerable, on: agent, to: framework, role: role))
                shares[frameworkID, default: 0] += max(
                    totalCPUs > 0 ? available.scalar("cpus") / totalCPUs : 0,
                    totalMem > 0 ? available.scalar("mem") / totalMem : 0)
                break
            }
        }
        return eligible.sorted { $0.0 < $1.0 }.compactMap { frameworkID, stream, _ in
            guard let offers = made[frameworkID] else { return nil }
            return .send(.offers(.init(offers: offers)), to: stream)
        }
    }

    private func clusterTotals() -> (cpus: Double, mem: Double) {
        var cpus = 0.0
        var mem = 0.0
        for agent in agents.values {
            cpus += agent.total.scalar("cpus")
            mem += agent.total.scalar("mem")
        }
        return (cpus, mem)
    }

    /// Each framework's dominant share of the cluster's cpus and mem, counting what its live tasks use and
    /// what it holds in offers.
    private func dominantShares() -> [FrameworkID: Double] {
        let (totalCPUs, totalMem) = clusterTotals()
        var shares: [FrameworkID: Double] = [:]
        for framework in frameworks.values {
            var used = ResourceBag()
            for task in framework.tasks.values where !task.state.isTerminal {
                used += task.resources
            }
            for id in framework.offerIDs { if let offer = offers[id] { used += offer.resources } }
            shares[framework.id] = max(
                totalCPUs > 0 ? used.scalar("cpus") / totalCPUs : 0,
                totalMem > 0 ? used.scalar("mem") / totalMem : 0)
        }
        return shares
    }

    private mutating func makeOffer(
        of resources: ResourceBag, on agent: AgentRecord, to framework: FrameworkRecord,
        role: String
    ) -> Offer {
        let id = newOfferID()
        let multiRole = framework.isMultiRole
        let offer = Offer(
            id: id, frameworkID: framework.id, agentID: agent.id, hostname: agent.info.hostname,
            url: MesosURL(
                scheme: "http",
                address: Address(
                    hostname: agent.info.hostname, ip: agent.info.hostname,
                    port: agent.info.port ?? 5051),
                path: "/slave(1)"),
            resources: resources.resources(
                allocationRole: multiRole ? role : nil,
                legacyRole: !framework.info.hasCapability(.reservationRefinement)),
            attributes: agent.info.attributes,
            executorIDs: (agent.executors[framework.id] ?? [:]).keys.sorted(),
            allocationInfo: multiRole ? AllocationInfo(role: role) : nil)
        offers[id] = OfferRecord(offer: offer, resources: resources, role: role)
        agents[agent.id]?.offered += resources
        agents[agent.id]?.offerIDs.insert(id)
        frameworks[framework.id]?.offerIDs.insert(id)
        return offer
    }

    /// Forgets an offer and returns its resources to its agent. No event is sent.
    @discardableResult
    mutating func removeOffer(_ id: OfferID) -> OfferRecord? {
        guard let record = offers.removeValue(forKey: id) else { return nil }
        agents[record.offer.agentID]?.offered -= record.resources
        agents[record.offer.agentID]?.offerIDs.remove(id)
        frameworks[record.offer.frameworkID]?.offerIDs.remove(id)
        return record
    }

    /// Withdraws a framework's offers silently (it failed over or disconnected; its old offers die with it).
    mutating func discardOffers(of framework: FrameworkID) -> [MasterEffect] {
        for id in frameworks[framework]?.offerIDs.sorted() ?? [] { removeOffer(id) }
        return []
    }

    /// Withdraws every offer of an agent with a RESCIND to each framework holding one.
    mutating func rescindOffers(on agent: AgentID) -> [MasterEffect] {
        var effects: [MasterEffect] = []
        for id in agents[agent]?.offerIDs.sorted() ?? [] {
            guard let record = removeOffer(id) else { continue }
            effects += send(.rescind(.init(offerID: id)), to: record.offer.frameworkID)
        }
        return effects
    }

    private mutating func dropExpiredFilters(now: Date) {
        for (frameworkID, byAgent) in filters {
            var kept: [AgentID: [DeclineFilter]] = [:]
            for (agentID, list) in byAgent {
                let live = list.filter { $0.expires > now }
                if !live.isEmpty { kept[agentID] = live }
            }
            filters[frameworkID] = kept.isEmpty ? nil : kept
        }
    }
}

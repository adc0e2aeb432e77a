/// A Mesos offer as the reconciler needs it: where, and how much (resources of all roles summed, as the
/// original did). The Mesos adapter builds it from the v1 `Offer`.
public struct ResourceOffer: Sendable, Equatable {
    public var id: OfferID
    public var agentID: AgentID
    public var hostname: String
    public var cpus: Double
    public var memoryMB: Double
    public var diskMB: Double
    /// Offered port ranges, in the order the offer lists them.
    public var ports: [ClosedRange<Int>]

    public init(
        id: OfferID, agentID: AgentID, hostname: String, cpus: Double, memoryMB: Double,
        diskMB: Double,
        ports: [ClosedRange<Int>]
    ) {
        self.id = id
        self.agentID = agentID
        self.hostname = hostname
        self.cpus = cpus
        self.memoryMB = memoryMB
        self.diskMB = diskMB
        self.ports = ports
    }
}

/// The three ports of a member: peer, client and the executor's reseed listener.
public struct MemberPorts: Sendable, Equatable {
    public var peer: Int
    public var client: Int
    public var reseed: Int

    public init(peer: Int, client: Int, reseed: Int) {
        self.peer = peer
        self.client = client
        self.reseed = reseed
    }

    /// Picks three ports from `ranges`. Three consecutive ports in one range are preferred (the original's
    /// layout, `peer, peer+1, peer+2`); otherwise the lowest ports of any ranges are taken, so a short first
    /// range no longer breaks the launch (issue #123).
    public static func allocate(from ranges: [ClosedRange<Int>]) -> MemberPorts? {
        let valid = ranges.filter { $0.lowerBound >= 1 && $0.upperBound <= 65535 }
        if let range = valid.first(where: { $0.count >= 3 }) {
            let base = range.lowerBound
            return MemberPorts(peer: base, client: base + 1, reseed: base + 2)
        }
        var picked: [Int] = []
        for range in valid {
            for port in range where !picked.contains(port) {
                picked.append(port)
                if picked.count == 3 {
                    return MemberPorts(peer: picked[0], client: picked[1], reseed: picked[2])
                }
            }
        }
        return nil
    }
}

/// Why an offer cannot carry a member.
enum OfferUnfitness: Equatable, CustomStringConvertible {
    case cpus(offered: Double, needed: Double)
    case memory(offered: Double, needed: Double)
    case disk(offered: Double, needed: Double)
    case ports

    var description: String {
        switch self {
        case .cpus(let offered, let needed): "\(offered) cpus offered, \(needed) needed"
        case .memory(let offered, let needed): "\(offered) MB memory offered, \(needed) MB needed"
        case .disk(let offered, let needed): "\(offered) MB disk offered, \(needed) MB needed"
        case .ports: "fewer than 3 ports offered"
        }
    }
}

extension ReconcilerConfiguration {
    /// The first reason the offer cannot carry a member and its executor, or nil if it can (docs/original-behaviour.md §4.1).
    func unfitness(of offer: ResourceOffer) -> OfferUnfitness? {
        let cpus = taskResources.cpus + executorResources.cpus
        let memory = taskResources.memoryMB + executorResources.memoryMB
        let disk = taskResources.diskMB + executorResources.diskMB
        if offer.cpus + 1e-9 < cpus { return .cpus(offered: offer.cpus, needed: cpus) }
        if offer.memoryMB + 1e-9 < memory {
            return .memory(offered: offer.memoryMB, needed: memory)
        }
        if offer.diskMB + 1e-9 < disk { return .disk(offered: offer.diskMB, needed: disk) }
        if MemberPorts.allocate(from: offer.ports) == nil { return .ports }
        return nil
    }
}

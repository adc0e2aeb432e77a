/// Offer intake, holding, declining with a refuse filter, and suppress/revive (docs/original-behaviour.md §4.1).
extension ClusterReconciler {
    /// Members still to be started: the size minus tasks and the member being added.
    var membersNeeded: Int {
        configuration.clusterSize - tasks.count - (pendingMember == nil ? 0 : 1)
    }

    /// Offers are wanted only when a member is needed and launching is allowed.
    var wantsOffers: Bool {
        mode == .mutable && health.livelockSince == nil && membersNeeded > 0
    }

    mutating func receive(
        _ offers: [ResourceOffer], now: ReconcilerInstant, out: inout ActionBuffer
    ) {
        for offer in offers {
            guard !heldOffers.contains(where: { $0.offer.id == offer.id }),
                pendingMember?.offer?.id != offer.id
            else { continue }
            if let reason = declineReason(for: offer) {
                decline(offer, because: reason, out: &out)
            } else {
                heldOffers.append(HeldOffer(offer: offer, receivedAt: now))
            }
        }
    }

    private func declineReason(for offer: ResourceOffer) -> String? {
        if !wantsOffers {
            return membersNeeded <= 0 ? "no member needed" : "not launching while \(phase.name)"
        }
        if configuration.singleInstancePerAgent {
            if isOccupied(host: offer.hostname) { return "host already runs a member" }
            if heldOffers.contains(where: { $0.offer.hostname == offer.hostname }) {
                return "already holding an offer from this host"
            }
        }
        if let unfit = configuration.unfitness(of: offer) { return "too small: \(unfit)" }
        if heldOffers.count >= membersNeeded { return "enough offers held" }
        return nil
    }

    mutating func rescind(_ offerID: OfferID, out: inout ActionBuffer) {
        heldOffers.removeAll { $0.offer.id == offerID }
        if pendingMember?.offer?.id == offerID {
            pendingMember?.offer = nil
            out.log(.warning, "offer \(offerID) for the member being added was rescinded")
        }
    }

    private mutating func decline(
        _ offer: ResourceOffer, because reason: String, out: inout ActionBuffer
    ) {
        out.log(.info, "declining offer \(offer.id) from \(offer.hostname): \(reason)")
        out.append(.decline(offer.id, refuseSeconds: configuration.offerRefuseSeconds))
    }

    /// Declines held offers that are no longer needed or were held too long; suppresses offers when nothing
    /// is needed and revives them (clearing refuse filters) when the need appears or grows.
    mutating func manageOffers(now: ReconcilerInstant, out: inout ActionBuffer) {
        var stillNeeded = wantsOffers ? membersNeeded : 0
        var kept: [HeldOffer] = []
        for held in heldOffers {
            let reason: String? =
                if stillNeeded <= 0 {
                    wantsOffers ? "enough offers held" : "no longer needed"
                } else if configuration.singleInstancePerAgent
                    && isOccupied(host: held.offer.hostname)
                {
                    "host already runs a member"
                } else if now >= held.receivedAt + configuration.offerHoldLimit {
                    "held too long"
                } else { nil }
            if let reason {
                decline(held.offer, because: reason, out: &out)
            } else {
                kept.append(held)
                stillNeeded -= 1
            }
        }
        heldOffers = kept

        guard mode != .disconnected, offersSuppressed != nil else { return }
        if wantsOffers {
            if offersSuppressed == true || membersNeeded > neededWhenLastRevived {
                out.append(.reviveOffers)
                offersSuppressed = false
            }
            neededWhenLastRevived = membersNeeded
        } else {
            if offersSuppressed == false {
                out.append(.suppressOffers)
                offersSuppressed = true
            }
            neededWhenLastRevived = 0
        }
    }
}

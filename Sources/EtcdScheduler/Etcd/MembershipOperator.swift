import EtcdClient
import Logging
import Reconciler

/// Carries out the reconciler's etcd membership actions against a member that can reach quorum, and turns
/// the outcome into the event the reconciler waits for.
struct MembershipOperator: Sendable {
    let pool: EtcdClientPool
    let logger: Logger

    /// Runs `operation` through the first of `via` (the leader first) that answers; returns the result event.
    /// `asLearner` applies to `.add`.
    func perform(
        _ operation: MembershipOperation, asLearner: Bool = false, via candidates: [MemberIdentity]
    ) async -> ClusterEvent {
        var lastError = "no running member to send it to"
        for member in candidates {
            do {
                let client = try pool.client(for: member.clientURL)
                switch operation {
                case .add(let peerURL):
                    let (added, members) = try await client.memberAdd(
                        peerURLs: [peerURL], isLearner: asLearner)
                    return .memberAdded(
                        peerURL: peerURL, memberID: added.id,
                        members: members.map(ClusterProber.member))
                case .remove(let id):
                    _ = try await client.memberRemove(id: id)
                    return .memberRemoved(id)
                case .promote(let id):
                    _ = try await client.memberPromote(id: id)
                    return .memberPromoted(id)
                }
            } catch {
                if case .remove(let id) = operation, Self.isMemberNotFound(error) {
                    return .memberRemoved(id)
                }
                lastError = "\(error)"
                logger.notice(
                    "etcd \(operation) failed",
                    metadata: ["via": "\(member)", "error": "\(lastError)"])
                if Self.isDefinitive(error) { break }
            }
        }
        return .memberOperationFailed(operation, reason: lastError)
    }

    /// etcd answers NotFound for a member that is already gone: the removal is done.
    static func isMemberNotFound(_ error: any Error) -> Bool {
        "\(error)".localizedCaseInsensitiveContains("member not found")
    }

    /// An answer from etcd itself (not a transport failure): asking another member would get the same.
    static func isDefinitive(_ error: any Error) -> Bool {
        guard let error = error as? EtcdClientError else { return false }
        if case .server = error { return true }
        return false
    }
}

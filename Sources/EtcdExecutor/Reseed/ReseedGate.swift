import Crypto
import EtcdClient
import Foundation
import TaskContract

/// Who may reseed this member, and when: a `POST /reseed` must present the task's secret as
/// `Authorization: Bearer <secret>` (compared in constant time; a task without a secret accepts none), and is
/// refused while the member sees a leader, since a reseed (`--force-new-cluster`) of a member of a healthy
/// cluster splits it in two. Checked in that order, so nobody without the secret learns about the leader or makes
/// the executor call etcd.
///
/// A member that already leads a cluster of one is past its reseed: a repeated order (a scheduler that
/// restarted mid-reseed orders the same seed again) is answered as done without touching etcd.
struct ReseedGate: Sendable {
    /// What the member's etcd says about its leader.
    enum LeaderView: Sendable, Equatable {
        /// No leader: the cluster lost its quorum, which is what a reseed is for.
        case none
        /// Another member leads, or this one leads others.
        case leader(id: UInt64, term: UInt64)
        /// This member leads a cluster of one: the reseed already happened.
        case alone
        /// etcd did not answer.
        case unknown(String)
    }

    /// Why a reseed request does not reach the run loop.
    enum Verdict: Equatable, Sendable {
        case admit
        case alreadyReseeded
        case unauthorized(String)
        case leaderSeen(String)
        case leaderUnknown(String)
    }

    let memberName: String
    private let secretDigest: SHA256.Digest?
    private let leader: @Sendable () async -> LeaderView

    init(memberName: String, secret: String?, leader: @escaping @Sendable () async -> LeaderView) {
        self.memberName = memberName
        secretDigest = secret.flatMap { $0.isEmpty ? nil : SHA256.hash(data: Data($0.utf8)) }
        self.leader = leader
    }

    /// The gate of the member `access` names, asking its etcd about the leader.
    init(_ access: ReseedAccess) {
        let clientURL = access.clientURL
        self.init(memberName: access.memberName, secret: access.secret) {
            await Self.leaderView(clientURL: clientURL)
        }
    }

    /// What to do with a request that sent `authorization` (the header's value, if any).
    func verdict(authorization: String?) async -> Verdict {
        if let refusal = refusal(authorization: authorization) { return refusal }
        return await leaderVerdict()
    }

    /// `.unauthorized` unless `authorization` carries the task's secret; nil when it does.
    func refusal(authorization: String?) -> Verdict? {
        guard let secretDigest else {
            return .unauthorized(
                "member \(memberName)'s task carries no reseed secret, so it accepts no reseed (its scheduler "
                    + "predates the secret; a task launched by a current scheduler has one)")
        }
        guard let authorization else {
            return .unauthorized(
                "a reseed needs the task's secret: send Authorization: Bearer <secret>")
        }
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        let scheme = trimmed.prefix { $0 != " " }
        guard scheme.lowercased() == ReseedProtocol.authorizationScheme.lowercased() else {
            return .unauthorized(
                "a reseed takes a bearer secret: send Authorization: Bearer <secret>")
        }
        let presented = trimmed.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        // Digest equality in swift-crypto is constant-time, and hashing hides the secret's length.
        guard SHA256.hash(data: Data(presented.utf8)) == secretDigest else {
            return .unauthorized("the reseed secret is wrong")
        }
        return nil
    }

    /// Whether the member's view of its leader admits a reseed (asks etcd).
    func leaderVerdict() async -> Verdict {
        switch await leader() {
        case .none:
            return .admit
        case .alone:
            return .alreadyReseeded
        case .leader(let id, let term):
            return .leaderSeen(
                "member \(memberName) sees leader \(String(id, radix: 16)) (raft term \(term)): its cluster "
                    + "has quorum, and a reseed would split it; a reseed is only for a cluster without a leader"
            )
        case .unknown(let reason):
            return .leaderUnknown(
                "cannot tell whether member \(memberName) sees a leader, so it is not reseeded: \(reason)"
            )
        }
    }

    /// Asks etcd at `clientURL` for its status (and, when it leads, its members).
    static func leaderView(clientURL: String) async -> LeaderView {
        do {
            return try await EtcdClient.withClient(endpoint: clientURL, callTimeout: .seconds(3)) {
                client in
                let status = try await client.status()
                guard status.leader != 0 else { return .none }
                guard status.isLeader else {
                    return .leader(id: status.leader, term: status.raftTerm)
                }
                let members = try await client.memberList()
                return members.count == 1 && members[0].id == status.memberID
                    ? .alone : .leader(id: status.leader, term: status.raftTerm)
            }
        } catch {
            return .unknown("\(error)")
        }
    }
}

/// What the reseed listener guards a member's reseeds with: the member's name, its task's secret (nil when the
/// task carries none) and where its etcd serves clients (asked about the leader).
public struct ReseedAccess: Sendable, Equatable {
    public var memberName: String
    public var secret: String?
    public var clientURL: String

    public init(memberName: String, secret: String?, clientURL: String) {
        self.memberName = memberName
        self.secret = secret
        self.clientURL = clientURL
    }

    /// The access of the member `data` runs.
    public init(_ data: EtcdTaskData) {
        self.init(
            memberName: data.member.name, secret: data.reseedSecret,
            clientURL: data.member.clientURL)
    }
}

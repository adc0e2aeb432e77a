import Foundation
import Testing

@testable import EtcdExecutor

/// The reseed listener's gate without network: the secret first, then the leader.
@Suite struct ReseedGateTests {
    private func gate(secret: String? = "s3cret", leader: ReseedGate.LeaderView = .none)
        -> (ReseedGate, LeaderCalls)
    {
        let calls = LeaderCalls()
        return (
            ReseedGate(memberName: "m1", secret: secret) {
                await calls.add()
                return leader
            }, calls
        )
    }

    @Test func aReseedWithoutTheSecretIsRefusedWithoutAskingEtcd() async {
        for authorization in [
            nil, "", "Bearer", "Bearer wrong", "Basic s3cret", "s3cret", "Bearer s3cret2",
        ] {
            let (gate, calls) = gate()
            let verdict = await gate.verdict(authorization: authorization)
            guard case .unauthorized = verdict else {
                Issue.record("\(authorization ?? "nil") got \(verdict)")
                continue
            }
            #expect(await calls.count == 0, "etcd was asked for \(authorization ?? "nil")")
        }
    }

    @Test func theSchemeIsCaseInsensitiveAndTheSecretExact() async {
        for authorization in [
            "Bearer s3cret", "bearer s3cret", "BEARER  s3cret ", " Bearer s3cret",
        ] {
            #expect(
                await gate().0.verdict(authorization: authorization) == .admit, "\(authorization)")
        }
    }

    @Test func aTaskWithoutASecretAcceptsNoReseed() async {
        for secret in [nil, ""] as [String?] {
            let verdict = await gate(secret: secret).0.verdict(authorization: "Bearer ")
            guard case .unauthorized(let reason) = verdict else {
                Issue.record("\(verdict)")
                continue
            }
            #expect(reason.contains("carries no reseed secret"))
        }
    }

    @Test func aMemberThatSeesALeaderIsNotReseeded() async {
        let verdict = await gate(leader: .leader(id: 0xabc, term: 7)).0.verdict(
            authorization: "Bearer s3cret")
        guard case .leaderSeen(let reason) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(reason.contains("member m1 sees leader abc (raft term 7)"), "\(reason)")
    }

    @Test func aMemberAloneIsAlreadyReseededAndAnUnknownLeaderRefuses() async {
        #expect(
            await gate(leader: .alone).0.verdict(authorization: "Bearer s3cret") == .alreadyReseeded
        )
        let verdict = await gate(leader: .unknown("connection refused")).0.verdict(
            authorization: "Bearer s3cret")
        guard case .leaderUnknown(let reason) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(reason.contains("connection refused"))
    }
}

/// How often a gate asked etcd about the leader.
private actor LeaderCalls {
    private(set) var count = 0
    func add() { count += 1 }
}

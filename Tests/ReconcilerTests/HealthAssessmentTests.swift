import Reconciler
import Testing

/// The health check judges quorum from reachability and an agreed leader, not from a moving raft index.
@Suite("Health assessment")
struct HealthAssessmentTests {
    let members = [1, 2, 3].map {
        EtcdMember(id: EtcdMemberID($0), name: "etcd-\($0)", peerURLs: ["http://h\($0):1"])
    }

    func probe(
        _ id: Int, leader: Int = 1, index: UInt64 = 42, learner: Bool = false, alarms: [String] = []
    )
        -> MemberProbe
    {
        MemberProbe(
            taskID: TaskID("t\(id)"),
            status: MemberStatus(
                memberID: EtcdMemberID(id), leaderID: EtcdMemberID(leader), raftIndex: index,
                raftTerm: 3,
                revision: 9, isLearner: learner, alarms: alarms))
    }

    /// docs/original-behaviour.md §6.2: an idle etcd v3 cluster keeps a constant raft index; the original called that "stalled".
    @Test func anIdleClusterWithAConstantRaftIndexIsHealthy() {
        let observation = ClusterObservation(
            members: members, probes: [probe(1), probe(2), probe(3)])
        let first = HealthAssessment.assess(observation)
        let second = HealthAssessment.assess(observation)
        #expect(first.isHealthy && second.isHealthy)
        #expect(first.leaderID == 1 && first.votersFollowingLeader == 3)
    }

    @Test func oneOfThreeUnreachableStillHasQuorum() {
        let observation = ClusterObservation(
            members: members, probes: [probe(1), probe(2), .unreachable("t3")])
        #expect(HealthAssessment.assess(observation).hasQuorum)
    }

    @Test func twoOfThreeUnreachableIsNoQuorum() {
        let observation = ClusterObservation(
            members: members, probes: [probe(1, leader: 0), .unreachable("t2"), .unreachable("t3")])
        let assessment = HealthAssessment.assess(observation)
        #expect(!assessment.hasQuorum && !assessment.isHealthy)
        #expect(assessment.summary.contains("no leader"))
    }

    /// A partition: every task runs, but the members do not agree on a leader.
    @Test func reachableMembersWithoutACommonLeaderHaveNoQuorum() {
        let observation = ClusterObservation(
            members: members,
            probes: [probe(1, leader: 0), probe(2, leader: 0), probe(3, leader: 0)])
        #expect(!HealthAssessment.assess(observation).hasQuorum)
    }

    @Test func deadMembersStillInTheListCountAgainstQuorum() {
        let five =
            members
            + [4, 5].map {
                EtcdMember(id: EtcdMemberID($0), name: "etcd-\($0)", peerURLs: ["http://h\($0):1"])
            }
        let observation = ClusterObservation(members: five, probes: [probe(1), probe(2)])
        #expect(!HealthAssessment.assess(observation).hasQuorum)
    }

    @Test func learnersDoNotCountAsVoters() {
        var withLearner = members
        withLearner.append(EtcdMember(id: 4, name: "", peerURLs: ["http://h4:1"], isLearner: true))
        let observation = ClusterObservation(
            members: withLearner,
            probes: [probe(1), probe(2), .unreachable("t3"), .unreachable("t4")])
        let assessment = HealthAssessment.assess(observation)
        #expect(assessment.hasQuorum && assessment.voters == 3)
    }

    @Test func aFailedQuorumReadMeansNoQuorum() {
        let observation = ClusterObservation(
            members: members, probes: [probe(1), probe(2), probe(3)], quorumConfirmed: false)
        #expect(!HealthAssessment.assess(observation).hasQuorum)
    }

    @Test func anAlarmMakesTheClusterUnhealthyButKeepsQuorum() {
        let observation = ClusterObservation(
            members: members, probes: [probe(1, alarms: ["NOSPACE"]), probe(2), probe(3)])
        let assessment = HealthAssessment.assess(observation)
        #expect(assessment.hasQuorum && !assessment.isHealthy && assessment.alarms == ["NOSPACE"])
    }

    @Test func noMemberListMeansNoQuorum() {
        #expect(
            !HealthAssessment.assess(ClusterObservation(members: nil, probes: [.unreachable("t1")]))
                .hasQuorum)
    }
}

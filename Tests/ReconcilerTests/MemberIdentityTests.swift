import Reconciler
import Testing

@Suite("Task IDs and port allocation")
struct MemberIdentityTests {
    @Test func taskIDHasTheOriginalsFiveFields() {
        let identity = MemberIdentity(
            index: 1_443_221_234, host: "agent3.example", peerPort: 31000, clientPort: 31001,
            reseedPort: 31002)
        #expect(identity.taskID == "etcd-1443221234 agent3.example 31000 31001 31002")
        #expect(identity.name == "etcd-1443221234")
        #expect(identity.peerURL == "http://agent3.example:31000")
        #expect(identity.clientURL == "http://agent3.example:31001")
        #expect(MemberIdentity(taskID: identity.taskID) == identity)
    }

    @Test(arguments: [
        "etcd-1 host 1 2", "etcd-1 host 1 2 3 4", "etcd-1 host a 2 3", "etcd-1  1 2 3",
        "etcd-x host 1 2 3",
        "other host 1 2 3", "etcd-1 host 1 2 70000", "  0 0 0", "etcd-1 host  1 2 3",
    ])
    func malformedTaskIDsAreRejected(_ raw: String) {
        #expect(MemberIdentity(taskID: TaskID(raw)) == nil)
    }

    @Test func ipv6HostsAreBracketedInURLs() {
        let identity = MemberIdentity(
            index: 7, host: "::1", peerPort: 1, clientPort: 2, reseedPort: 3)
        #expect(identity.peerURL == "http://[::1]:1")
    }

    @Test func portsComeFromOneRangeWhenItHoldsThree() {
        #expect(
            MemberPorts.allocate(from: [31000...32000])
                == MemberPorts(peer: 31000, client: 31001, reseed: 31002))
    }

    /// Issue #123: a short first range made the original launch on ports it was not offered.
    @Test func aShortFirstRangeNoLongerBreaksTheLaunch() {
        #expect(
            MemberPorts.allocate(from: [1026...1027, 2000...2010])
                == MemberPorts(peer: 2000, client: 2001, reseed: 2002))
        #expect(
            MemberPorts.allocate(from: [1026...1026, 1030...1030, 1040...1040])
                == MemberPorts(peer: 1026, client: 1030, reseed: 1040))
        #expect(MemberPorts.allocate(from: [1026...1027]) == nil)
    }

    @Test func configurationRejectsImpossibleValues() {
        var configuration = ReconcilerConfiguration(clusterSize: 0)
        #expect(throws: ReconcilerConfigurationError.clusterSizeTooSmall(0)) {
            try configuration.validate()
        }
        configuration.clusterSize = 3
        #expect(throws: Never.self) { try configuration.validate() }
        #expect("\(ReconcilerConfigurationError.clusterSizeTooSmall(0))".contains("-cluster-size"))
    }
}

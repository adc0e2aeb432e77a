import EtcdClient
import EtcdMesosTesting
import Testing

extension RealClusterTests {
    /// Membership changes, on a cluster of their own so the shared ones keep three members.
    @Suite("Membership")
    struct Membership {
        @Test(
            "member add, promote and remove show in member list and status",
            arguments: EtcdBinaries.supported)
        func memberAddPromoteRemove(binaries: EtcdBinaries) async throws {
            try await withEtcdCluster(members: 3, binaries: binaries) { cluster in
                try await EtcdClient.withClient(endpoint: cluster.members[0].clientURL) { client in
                    let voter = try await addAndStart(
                        name: "voter", isLearner: false, in: cluster, via: client)
                    try await remove(voter, via: client)

                    let learner = try await addAndStart(
                        name: "learner", isLearner: true, in: cluster, via: client)
                    // etcd promotes a learner only once its log has caught up with the leader's.
                    var promoted: [EtcdMember] = []
                    try await eventually("the learner to be promoted") {
                        promoted = try await client.memberPromote(id: learner.id)
                        return true
                    }
                    #expect(promoted.first { $0.id == learner.id }?.isLearner == false)
                    try await eventually("the promoted member to report itself a voter") {
                        try await EtcdClient.withClient(endpoint: learner.member.clientURL) {
                            !(try await $0.status().isLearner)
                        }
                    }
                    try await remove(learner, via: client)

                    let error = await #expect(throws: EtcdClientError.self) {
                        try await client.memberRemove(id: learner.id)
                    }
                    guard case .server(_, let operation, let code, let message)? = error else {
                        Issue.record("expected a server error, got \(String(describing: error))")
                        return
                    }
                    #expect(
                        code == "notFound" && message.contains("member not found"), "\(message)")
                    #expect(operation.contains(String(learner.id, radix: 16)))
                }
            }
        }

        /// Adds a member through `client` and starts it with `--initial-cluster-state existing`; checks that the
        /// cluster lists it under its name once it runs and that it answers as that member.
        private func addAndStart(
            name: String, isLearner: Bool, in cluster: EtcdCluster, via client: EtcdClient
        ) async throws -> (id: UInt64, member: EtcdCluster.Member) {
            let member = try cluster.prepareMember(name: name)
            let (added, members) = try await addMember(
                peerURL: member.peerURL, isLearner: isLearner, via: client)
            #expect(added.peerURLs == [member.peerURL])
            #expect(added.name.isEmpty && added.clientURLs.isEmpty)
            #expect(added.isLearner == isLearner)
            #expect(members.count == 4 && members.contains { $0.id == added.id })

            try await cluster.startJoining(member, clusterMembers: members)
            try await eventually("\(name) to publish its name and client URL") {
                let listed = try await client.memberList().first { $0.id == added.id }
                return listed?.name == name && listed?.clientURLs == [member.clientURL]
            }
            let status = try await EtcdClient.withClient(endpoint: member.clientURL) {
                try await $0.status()
            }
            #expect(status.memberID == added.id)
            #expect(status.leader != 0)
            #expect(status.isLearner == isLearner)
            return (added.id, member)
        }

        /// `memberAdd`, retried while etcd refuses it as "unhealthy cluster": it accepts a new member only once
        /// every voting member has been connected for 5 s, which a cluster started a moment ago has not.
        private func addMember(
            peerURL: String, isLearner: Bool, via client: EtcdClient
        ) async throws -> (added: EtcdMember, members: [EtcdMember]) {
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(15)
            while true {
                do {
                    return try await client.memberAdd(peerURLs: [peerURL], isLearner: isLearner)
                } catch EtcdClientError.unavailable(_, _, let reason)
                    where reason.contains("unhealthy cluster") && clock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }

        /// Removes the member and checks that it is gone from the member list.
        private func remove(
            _ added: (id: UInt64, member: EtcdCluster.Member), via client: EtcdClient
        ) async throws {
            let remaining = try await client.memberRemove(id: added.id)
            #expect(remaining.count == 3 && !remaining.contains { $0.id == added.id })
            let listed = try await client.memberList()
            #expect(listed.map(\.id).sorted() == remaining.map(\.id).sorted())
            #expect(!listed.contains { $0.peerURLs.contains(added.member.peerURL) })
        }
    }
}

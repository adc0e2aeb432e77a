import GRPCCore

extension EtcdClient {
    /// The cluster's members as this member knows them.
    public func memberList() async throws -> [EtcdMember] {
        try await unary("member list") { options in
            try await cluster.memberList(Etcdserverpb_MemberListRequest(), options: options) {
                response in
                try response.message.members.map(EtcdMember.init)
            }
        }
    }

    /// Adds a member that will join at `peerURLs`; it must then be started with `--initial-cluster-state existing`.
    /// Returns the new member (its name and client URLs stay empty until it starts) and the members after the add.
    public func memberAdd(
        peerURLs: [String],
        isLearner: Bool = false
    ) async throws -> (added: EtcdMember, members: [EtcdMember]) {
        var request = Etcdserverpb_MemberAddRequest()
        request.peerUrls = peerURLs
        request.isLearner = isLearner
        let response = try await unary("member add") { options in
            try await cluster.memberAdd(request, options: options)
        }
        guard response.hasMember else {
            throw EtcdClientError.malformedResponse(
                endpoint: endpoint, operation: "member add", reason: "no member in the response")
        }
        return (EtcdMember(response.member), response.members.map(EtcdMember.init))
    }

    /// Removes the member with `id`; returns the members after the removal.
    public func memberRemove(id: UInt64) async throws -> [EtcdMember] {
        var request = Etcdserverpb_MemberRemoveRequest()
        request.id = id
        return try await unary("member remove \(String(id, radix: 16))") { options in
            try await cluster.memberRemove(request, options: options) { response in
                try response.message.members.map(EtcdMember.init)
            }
        }
    }

    /// Makes the learner with `id` a voting member; fails while the learner lags behind the leader.
    /// Returns the members after the promotion.
    public func memberPromote(id: UInt64) async throws -> [EtcdMember] {
        var request = Etcdserverpb_MemberPromoteRequest()
        request.id = id
        return try await unary("member promote \(String(id, radix: 16))") { options in
            try await cluster.memberPromote(request, options: options) { response in
                try response.message.members.map(EtcdMember.init)
            }
        }
    }
}

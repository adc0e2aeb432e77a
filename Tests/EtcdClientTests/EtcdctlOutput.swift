import Foundation

/// One entry of `etcdctl endpoint status -w json`. IDs are decimal uint64 values above 2^53 there, so they are
/// decoded as integers, never through Double. Fields etcd leaves at zero are omitted from the JSON.
struct EtcdctlEndpointStatus: Decodable {
    let endpoint: String
    let status: Status

    struct Status: Decodable {
        let header: Header
        let version: String
        let dbSize: Int64
        let leader: UInt64
        let raftIndex: UInt64
        let raftTerm: UInt64
        let raftAppliedIndex: UInt64?
        let dbSizeInUse: Int64?
    }

    struct Header: Decodable {
        let clusterID: UInt64
        let memberID: UInt64
        let revision: Int64
        let raftTerm: UInt64

        enum CodingKeys: String, CodingKey {
            case clusterID = "cluster_id"
            case memberID = "member_id"
            case revision
            case raftTerm = "raft_term"
        }
    }

    enum CodingKeys: String, CodingKey {
        case endpoint = "Endpoint"
        case status = "Status"
    }

    static func decode(_ output: String) throws -> [EtcdctlEndpointStatus] {
        try JSONDecoder().decode([EtcdctlEndpointStatus].self, from: Data(output.utf8))
    }
}

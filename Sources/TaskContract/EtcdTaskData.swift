import Foundation

/// What the scheduler tells an executor about the etcd member it must run: `TaskInfo.data`, as JSON.
///
/// It keeps the original's shape (docs/original-behaviour.md §3.2): a JSON array of member objects, element 0 the member
/// to run, the others the rest of `--initial-cluster`. The original keys stay as they were (`rpcPort` is the
/// peer port, `httpPort` the reseed listener's); the keys this version adds ride on element 0 only, so an
/// old reader still finds what it knew.
public struct EtcdTaskData: Sendable, Equatable {
    /// The member to run.
    public var member: Member
    /// The other entries of `--initial-cluster`, in order.
    public var peers: [Member]
    /// `new` for the first member of a cluster, `existing` for one joining it.
    public var initialClusterState: String
    /// `--initial-cluster-token`: one per cluster epoch, so members of an older cluster can't join this one.
    public var clusterToken: String
    /// Restore the data dir from this backup before the first start (the first member after total loss).
    public var restore: RestoreSource?
    /// The secret the reseed listener requires (`Authorization: Bearer <secret>`, see `ReseedProtocol`) and the
    /// executor presents when it downloads a backup: 32 random-looking bytes, base64url. A task without one (from
    /// a scheduler before it) accepts no reseed at all.
    public var reseedSecret: String?

    public init(
        member: Member, peers: [Member], initialClusterState: String, clusterToken: String,
        restore: RestoreSource? = nil, reseedSecret: String? = nil
    ) {
        self.member = member
        self.peers = peers
        self.initialClusterState = initialClusterState
        self.clusterToken = clusterToken
        self.restore = restore
        self.reseedSecret = reseedSecret
    }

    /// `--initial-cluster`: this member first, then its peers, as `name=http://host:peer`.
    public var initialClusterFlag: String {
        ([member] + peers).map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
    }

    /// One member object of the array.
    public struct Member: Codable, Sendable, Equatable {
        public var name: String
        public var host: String
        /// The peer port (the original's name for it).
        public var rpcPort: Int
        public var clientPort: Int
        /// The executor's reseed listener (the original's name for it).
        public var httpPort: Int
        /// `new`/`existing` on element 0; empty on the others, as in the original.
        public var type: String
        public var slaveID: String

        public init(
            name: String, host: String, rpcPort: Int, clientPort: Int, httpPort: Int,
            type: String = "",
            slaveID: String = ""
        ) {
            self.name = name
            self.host = host
            self.rpcPort = rpcPort
            self.clientPort = clientPort
            self.httpPort = httpPort
            self.type = type
            self.slaveID = slaveID
        }

        public var peerURL: String { "http://\(urlHost):\(rpcPort)" }
        public var clientURL: String { "http://\(urlHost):\(clientPort)" }
        public var reseedURL: String { "http://\(urlHost):\(httpPort)" }
        private var urlHost: String { host.contains(":") ? "[\(host)]" : host }
    }

    /// Where the executor gets the backup to restore, and how it knows it got the right bytes.
    public struct RestoreSource: Codable, Sendable, Equatable {
        /// An http(s) URL (the scheduler's artifact server) or a local path.
        public var url: String
        /// sha256 (hex) of the whole archive; the executor restores nothing without it.
        public var archiveSHA256: String
        /// The archive's size in bytes, from its sidecar: a download that goes on beyond it is cut off and refused.
        public var archiveSize: UInt64?
        /// The database's size (`db_size`) from the sidecar: the archive's manifest must agree, and it lets an
        /// archive written before the manifest came first be read with the same cap.
        public var databaseSize: UInt64?
        /// Set when `url` serves the archive encrypted (a presigned URL of the object store): how to open it.
        public var encryption: Encryption?

        public init(
            url: String, archiveSHA256: String, archiveSize: UInt64? = nil,
            databaseSize: UInt64? = nil, encryption: Encryption? = nil
        ) {
            self.url = url
            self.archiveSHA256 = archiveSHA256
            self.archiveSize = archiveSize
            self.databaseSize = databaseSize
            self.encryption = encryption
        }

        /// `url` without its query: what logs and messages show, as a signed URL's query is a credential.
        public var shownURL: String {
            url.firstIndex(of: "?").map { String(url[..<$0]) + "?…" } ?? url
        }

        /// How an encrypted archive is opened: the key of that one archive (never the backup key), and the
        /// sizes its sidecar records.
        public struct Encryption: Codable, Sendable, Equatable, CustomStringConvertible {
            public var algorithm: String
            /// Base64 of the archive's own 32-byte key: a secret, never logged.
            public var archiveKey: String
            public var chunkSize: Int
            public var encryptedSize: UInt64

            public init(
                algorithm: String, archiveKey: String, chunkSize: Int, encryptedSize: UInt64
            ) {
                self.algorithm = algorithm
                self.archiveKey = archiveKey
                self.chunkSize = chunkSize
                self.encryptedSize = encryptedSize
            }

            public var description: String {
                "\(algorithm), \(encryptedSize) bytes in chunks of \(chunkSize) (archive key hidden)"
            }

            enum CodingKeys: String, CodingKey {
                case algorithm
                case archiveKey = "archive_key"
                case chunkSize = "chunk_size"
                case encryptedSize = "encrypted_size"
            }
        }
    }
}

extension EtcdTaskData {
    /// The member object of element 0, with this version's additions.
    private struct FirstElement: Codable {
        var member: Member
        var clusterToken: String?
        var restore: RestoreSource?
        var reseedSecret: String?

        enum ExtraKeys: String, CodingKey { case clusterToken, restore, reseedSecret }

        init(member: Member, clusterToken: String?, restore: RestoreSource?, reseedSecret: String?)
        {
            self.member = member
            self.clusterToken = clusterToken
            self.restore = restore
            self.reseedSecret = reseedSecret
        }

        init(from decoder: any Decoder) throws {
            member = try Member(from: decoder)
            let extra = try decoder.container(keyedBy: ExtraKeys.self)
            clusterToken = try extra.decodeIfPresent(String.self, forKey: .clusterToken)
            restore = try extra.decodeIfPresent(RestoreSource.self, forKey: .restore)
            reseedSecret = try extra.decodeIfPresent(String.self, forKey: .reseedSecret)
        }

        func encode(to encoder: any Encoder) throws {
            try member.encode(to: encoder)
            var extra = encoder.container(keyedBy: ExtraKeys.self)
            try extra.encodeIfPresent(clusterToken, forKey: .clusterToken)
            try extra.encodeIfPresent(restore, forKey: .restore)
            try extra.encodeIfPresent(reseedSecret, forKey: .reseedSecret)
        }
    }

    /// The JSON bytes for `TaskInfo.data`.
    public func encoded() throws -> Data {
        var first = member
        first.type = initialClusterState
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let head = try encoder.encode(
            FirstElement(
                member: first, clusterToken: clusterToken, restore: restore,
                reseedSecret: reseedSecret))
        let rest = try peers.map { try encoder.encode($0) }
        var json = Data("[".utf8)
        for (index, element) in ([head] + rest).enumerated() {
            if index > 0 { json.append(Data(",".utf8)) }
            json.append(element)
        }
        json.append(Data("]".utf8))
        return json
    }

    /// Reads `TaskInfo.data`; the error says what is wrong with it.
    public init(decoding data: Data) throws(EtcdTaskDataError) {
        let elements: [FirstElement]
        do {
            elements = try JSONDecoder().decode([FirstElement].self, from: data)
        } catch {
            throw .malformed("\(error)")
        }
        guard let first = elements.first else { throw .malformed("the member array is empty") }
        guard first.member.type == "new" || first.member.type == "existing" else {
            throw .malformed(
                "element 0 has type \"\(first.member.type)\"; expected \"new\" or \"existing\"")
        }
        let ports = [first.member.rpcPort, first.member.clientPort, first.member.httpPort]
        guard ports.allSatisfy({ (1...65535).contains($0) }), !first.member.host.isEmpty,
            !first.member.name.isEmpty
        else { throw .malformed("element 0 needs a name, a host and three ports in 1...65535") }
        self.init(
            member: first.member, peers: elements.dropFirst().map(\.member),
            initialClusterState: first.member.type,
            clusterToken: first.clusterToken ?? "etcd-cluster", restore: first.restore,
            reseedSecret: first.reseedSecret)
    }
}

/// `TaskInfo.data` that the executor cannot use.
public enum EtcdTaskDataError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "the task's data is not an etcd member list: \(reason)"
        }
    }
}

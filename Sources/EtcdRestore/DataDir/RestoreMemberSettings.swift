import Backup
import Foundation

/// One member's settings for `snapshot restore`, checked before anything runs: the member's advertised peer URLs
/// must be exactly its entry in the initial cluster, or etcd would start a member nobody recognises.
public struct RestoreMemberSettings: Sendable, Hashable {
    public var name: String
    /// `name1=http://host:port,name2=…`.
    public var initialCluster: String
    /// Comma-separated peer URLs of this member.
    public var initialAdvertisePeerURLs: String
    public var initialClusterToken: String
    /// `--bump-revision` (with `--mark-compacted`) for tools that have both (nil or 0: none).
    public var bumpRevision: UInt64?

    public init(
        name: String, initialCluster: String, initialAdvertisePeerURLs: String,
        initialClusterToken: String,
        bumpRevision: UInt64? = nil
    ) {
        self.name = name
        self.initialCluster = initialCluster
        self.initialAdvertisePeerURLs = initialAdvertisePeerURLs
        self.initialClusterToken = initialClusterToken
        self.bumpRevision = bumpRevision
    }

    /// The token every member restored from the same backup gets unless the operator names one: new for each
    /// backup (a restored cluster must not share its token with the cluster it replaces), yet the same for every
    /// member restored from it, so members restored one by one still form one cluster.
    public static func defaultToken(clusterName: String, dbSHA256: String) -> String {
        "\(clusterName)-restore-\(dbSHA256.prefix(12))"
    }

    /// The member as `SnapshotRestoreCommand` takes it.
    public var restoreMember: SnapshotRestoreCommand.Member {
        SnapshotRestoreCommand.Member(
            name: name, initialCluster: initialCluster, clusterToken: initialClusterToken,
            peerURL: initialAdvertisePeerURLs)
    }

    /// Why these settings cannot work, or nil.
    public func problem() -> String? {
        guard !name.isEmpty else { return "--name is empty" }
        guard !initialClusterToken.isEmpty else { return "--initial-cluster-token is empty" }
        var entries: [(name: String, url: String)] = []
        for entry in initialCluster.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, Self.isPeerURL(String(parts[1])) else {
                return "--initial-cluster entry \"\(entry)\" is not name=http(s)://host:port"
            }
            entries.append((String(parts[0]), String(parts[1])))
        }
        let own = Set(entries.filter { $0.name == name }.map(\.url))
        guard !own.isEmpty else {
            let names = entries.map(\.name).joined(separator: ", ")
            return "--initial-cluster has no entry for member \"\(name)\" (it names \(names))"
        }
        let advertised = initialAdvertisePeerURLs.split(separator: ",").map(String.init)
        for url in advertised where !Self.isPeerURL(url) {
            return "--initial-advertise-peer-urls entry \"\(url)\" is not http(s)://host:port"
        }
        guard Set(advertised) == own else {
            return
                "--initial-advertise-peer-urls (\(advertised.joined(separator: ","))) must match \"\(name)\"'s "
                + "entries in --initial-cluster (\(own.sorted().joined(separator: ",")))"
        }
        return nil
    }

    private static func isPeerURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme,
            ["http", "https"].contains(scheme),
            url.host != nil, url.port != nil
        else { return false }
        return true
    }
}

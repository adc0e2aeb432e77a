import Foundation

/// Which of etcd's own tools restores snapshot files: `etcdutl` from etcd 3.5 on, else `etcdctl`
/// with the v3 API (etcd 3.4, whose etcdctl still has `snapshot status` and `snapshot restore`).
public enum SnapshotToolKind: String, Sendable, Hashable, CaseIterable {
    case etcdutl, etcdctl

    /// The order to look for them in: etcdutl wherever it exists (etcd 3.5 deprecates etcdctl's
    /// snapshot commands), etcdctl otherwise.
    public static let preferenceOrder: [SnapshotToolKind] = [.etcdutl, .etcdctl]

    /// The first tool in `preferenceOrder` that is an executable file in `directory`, with its
    /// path.
    public static func locate(in directory: String) -> (kind: SnapshotToolKind, path: String)? {
        for kind in preferenceOrder {
            let path = kind.path(in: directory)
            if FileManager.default.isExecutableFile(atPath: path) { return (kind, path) }
        }
        return nil
    }

    /// Where this tool would be in `directory`.
    public func path(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + rawValue : directory + "/" + rawValue
    }
}

import Foundation

/// A key and its value as stored in etcd, with the revisions that describe its history.
public struct EtcdKeyValue: Sendable, Hashable {
    public var key: [UInt8]
    public var value: [UInt8]
    /// Revision of the last creation of this key.
    public var createRevision: Int64
    /// Revision of the last change to this key.
    public var modRevision: Int64
    /// Number of changes since the key was (re)created.
    public var version: Int64
    /// 0 when the key is not attached to a lease.
    public var lease: Int64

    public init(
        key: [UInt8], value: [UInt8], createRevision: Int64, modRevision: Int64, version: Int64,
        lease: Int64
    ) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }

    /// The key decoded as UTF-8 (invalid bytes replaced).
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    /// The value decoded as UTF-8 (invalid bytes replaced).
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

extension EtcdKeyValue {
    init(_ kv: Mvccpb_KeyValue) {
        self.init(
            key: Array(kv.key), value: Array(kv.value), createRevision: kv.createRevision,
            modRevision: kv.modRevision, version: kv.version, lease: kv.lease)
    }
}

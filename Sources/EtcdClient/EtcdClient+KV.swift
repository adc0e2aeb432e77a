import Foundation
import GRPCCore

extension EtcdClient {
    /// Sets `key` to `value`; returns the store's revision after the put.
    @discardableResult
    public func put(_ key: [UInt8], value: [UInt8]) async throws -> Int64 {
        var request = Etcdserverpb_PutRequest()
        request.key = Data(key)
        request.value = Data(value)
        return try await unary("put") { options in
            try await kv.put(request, options: options) { try $0.message.header.revision }
        }
    }

    /// Sets `key` to `value` (both UTF-8); returns the store's revision after the put.
    @discardableResult
    public func put(_ key: String, value: String) async throws -> Int64 {
        try await put(Array(key.utf8), value: Array(value.utf8))
    }

    /// The keys in `[key, end)` (just `key` when `end` is nil), at most `limit` of them (0: no limit), in key order.
    /// `count` is the number of keys in the range, even beyond `limit`; `revision` is the store's revision.
    public func range(
        _ key: [UInt8],
        end: [UInt8]? = nil,
        limit: Int64 = 0
    ) async throws -> (kvs: [EtcdKeyValue], count: Int64, revision: Int64) {
        var request = Etcdserverpb_RangeRequest()
        request.key = Data(key)
        if let end { request.rangeEnd = Data(end) }
        request.limit = limit
        let response = try await unary("range") { options in
            try await kv.range(request, options: options)
        }
        return (response.kvs.map(EtcdKeyValue.init), response.count, response.header.revision)
    }

    /// `range` for a UTF-8 key and end.
    public func range(
        _ key: String,
        end: String? = nil,
        limit: Int64 = 0
    ) async throws -> (kvs: [EtcdKeyValue], count: Int64, revision: Int64) {
        try await range(Array(key.utf8), end: end.map { Array($0.utf8) }, limit: limit)
    }

    /// The keys starting with `prefix`, at most `limit` of them (0: no limit), in key order.
    public func range(
        prefix: String,
        limit: Int64 = 0
    ) async throws -> (kvs: [EtcdKeyValue], count: Int64, revision: Int64) {
        try await range(Array(prefix.utf8), end: Self.rangeEnd(forPrefix: prefix), limit: limit)
    }

    /// Deletes the keys in `[key, end)` (just `key` when `end` is nil); returns how many were deleted.
    @discardableResult
    public func delete(_ key: [UInt8], end: [UInt8]? = nil) async throws -> Int64 {
        var request = Etcdserverpb_DeleteRangeRequest()
        request.key = Data(key)
        if let end { request.rangeEnd = Data(end) }
        return try await unary("delete") { options in
            try await kv.deleteRange(request, options: options) { try $0.message.deleted }
        }
    }

    /// `delete` for a UTF-8 key and end.
    @discardableResult
    public func delete(_ key: String, end: String? = nil) async throws -> Int64 {
        try await delete(Array(key.utf8), end: end.map { Array($0.utf8) })
    }

    /// The range end that selects every key starting with `prefix` (etcd's "prefix end": the prefix with its last
    /// byte below 0xff incremented). `[0]` (all keys from `prefix` on) when no such byte exists.
    public static func rangeEnd(forPrefix prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]
    }

    /// `rangeEnd(forPrefix:)` for a UTF-8 prefix.
    public static func rangeEnd(forPrefix prefix: String) -> [UInt8] {
        rangeEnd(forPrefix: Array(prefix.utf8))
    }
}

import EtcdClient
import Foundation

/// Fills etcd with about `megabytes` MB of distinct 1 MB JSON-like values (compressible like real objects, not
/// like zeros), several puts at a time; returns the resulting db size.
///
/// Each connection makes at most `putsPerConnection` calls: etcd's gRPC server answers data with PINGs (its
/// flow-control estimator), and swift-nio-http2 closes a connection that receives more than 200 control frames in
/// 30 s as a denial-of-service guard.
struct DataLoader {
    var megabytes: Int
    var valueBytes = 1_000_000
    var parallel = 4
    var putsPerConnection = 100

    func load(into endpoint: String) async throws -> Int64 {
        let count = max(1, megabytes * 1_000_000 / valueBytes)
        for batch in stride(from: 0, to: count, by: putsPerConnection) {
            try await put(range: batch..<min(count, batch + putsPerConnection), into: endpoint)
        }
        return try await EtcdClient.withClient(endpoint: endpoint) { try await $0.status().dbSize }
    }

    private func put(range: Range<Int>, into endpoint: String) async throws {
        try await EtcdClient.withClient(endpoint: endpoint, callTimeout: .seconds(60)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = range.lowerBound
                func submit() {
                    guard next < range.upperBound else { return }
                    let index = next
                    next += 1
                    group.addTask {
                        let value = Self.value(seed: index, bytes: valueBytes)
                        try await client.put(Array("bench/\(index)".utf8), value: value)
                    }
                }
                for _ in 0..<parallel { submit() }
                while try await group.next() != nil { submit() }
            }
        }
    }
    /// Records like `{"id":"…","replicas":N,"ready":B,"token":"…","zone":"…"}` with random IDs, tokens and
    /// numbers: about as compressible as real objects (zstd -3 makes them about a third of their size).
    static func value(seed: Int, bytes: Int) -> [UInt8] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func random() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 200)
        let hex = Array("0123456789abcdef".utf8)
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        while out.count < bytes {
            out += Array("{\"id\":\"".utf8)
            var id = random()
            for _ in 0..<16 {
                out.append(hex[Int(id & 15)])
                id >>= 4
            }
            out += Array(
                "\",\"replicas\":\(random() % 50),\"ready\":\(random() % 2 == 0),\"token\":\"".utf8)
            var token = random()
            for _ in 0..<10 {
                out.append(base64[Int(token & 63)])
                token >>= 6
            }
            out += Array("\",\"zone\":\"z\(random() % 8)\"},".utf8)
        }
        return Array(out.prefix(bytes))
    }
}

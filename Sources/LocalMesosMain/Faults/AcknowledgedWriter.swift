import EtcdClient
import Foundation
import Logging
import Synchronization

/// Writes sequential keys `<prefix><n>` through whichever member answers, for as long as it runs, and records
/// every write etcd acknowledged with the revision it got. A write that fails is retried with the same key and
/// value (so an unacknowledged write that was applied changes nothing), through the next endpoint.
final class AcknowledgedWriter: Sendable {
    struct Acknowledged: Sendable, Hashable {
        var index: Int
        var revision: Int64
    }

    let prefix: String
    private let acknowledged = Mutex<[Acknowledged]>([])
    private let endpoints: @Sendable () async -> [String]
    private let paused = Mutex(false)

    init(prefix: String, endpoints: @escaping @Sendable () async -> [String]) {
        self.prefix = prefix
        self.endpoints = endpoints
    }

    var writes: [Acknowledged] { acknowledged.withLock { $0 } }

    func key(_ index: Int) -> String { prefix + String(format: "%08d", index) }

    /// Stops (and resumes) writing, e.g. while every member is gone.
    func setPaused(_ value: Bool) { paused.withLock { $0 = value } }

    /// Writes until cancelled. Each client makes at most 50 calls (etcd's server answers data with PINGs, which
    /// swift-nio-http2 counts against a limit per connection).
    func run() async {
        var logger = Logger(label: "fault-writer")
        logger.logLevel = .critical
        var next = 0
        var turn = 0
        while !Task.isCancelled {
            if paused.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            let candidates = await endpoints()
            guard !candidates.isEmpty else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            turn += 1
            let endpoint = candidates[turn % candidates.count]
            do {
                try await EtcdClient.withClient(
                    endpoint: endpoint, callTimeout: .seconds(2), logger: logger
                ) { client in
                    for _ in 0..<50 {
                        if Task.isCancelled || paused.withLock({ $0 }) { return }
                        let revision = try await client.put(key(next), value: "v\(next)")
                        acknowledged.withLock {
                            $0.append(Acknowledged(index: next, revision: revision))
                        }
                        next += 1
                    }
                }
            } catch {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

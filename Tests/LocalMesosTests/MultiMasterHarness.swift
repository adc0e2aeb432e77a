import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import LocalMesos
import Logging
import MesosAPI
import NIOCore
import NIOHTTP1

/// Several local masters (one leading) on free loopback ports, with no agents unless asked, and an HTTP
/// client that does not follow redirects, as a Mesos client must not.
struct MultiMasterHarness: Sendable {
    let cluster: LocalCluster
    let client: HTTPClient

    static func withMasters<T: Sendable>(
        _ count: Int, agents: Int = 0, zooKeeper: ZooKeeperMasterAddress? = nil,
        _ body: @Sendable (MultiMasterHarness) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "multi-master-test")
        defer { directory.remove() }
        var logger = Logger(label: "multi-master-test")
        logger.logLevel = .warning
        let configuration = LocalClusterConfiguration(
            masterCount: count, masterPorts: try (0..<count).map { _ in try FreePort.allocate() },
            agentCount: agents,
            agentPorts: try (0..<agents).map { try FreePort.allocate(host: "127.0.0.\($0 + 2)") },
            workDirectory: directory.appending("work"), zooKeeper: zooKeeper)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .mesos(connectTimeout: .seconds(5)))
        let result: Result<T, any Error>
        do {
            result = .success(
                try await LocalCluster.withRunning(configuration, logger: logger) { cluster in
                    try await body(MultiMasterHarness(cluster: cluster, client: client))
                })
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        return try result.get()
    }

    /// One request, redirects not followed: status, `Location`, body text.
    func request(
        _ url: String, method: HTTPMethod = .POST, headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> (status: Int, location: String?, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), response.headers.first(name: "Location"), text)
    }

    /// `//127.0.0.1:<port>` of `master`, the base of the Location a standby answers with.
    func base(_ master: EmbeddedMaster) -> String { "//\(master.host):\(master.port)" }

    /// A JSON SUBSCRIBE body for a test framework.
    static let subscribeBody = String(
        decoding: try! MesosJSON.encode(SchedulerCall.subscribe(.test())), as: UTF8.self)
}

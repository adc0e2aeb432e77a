import Foundation
import HTTPServing
import Hummingbird
import Logging
import MesosAPI
import NIOCore

/// A local Mesos master serving the v1 scheduler API and the operator endpoints over HTTP on `host:port`.
///
/// Start it with `withRunning(…)`, which stops it (closing every subscription stream and the server) when
/// the body returns or throws.
public struct EmbeddedMaster: Sendable {
    public let master: LocalMaster
    public let host: String
    public let port: Int

    /// `http://host:port`, the base of every endpoint.
    public var url: String { "http://\(host):\(port)" }

    /// Runs a master on `host:port` for the duration of `body`; with `zooKeeper`, registered there as the
    /// group's master (once it listens) so that `zk://` detection finds it.
    public static func withRunning<T: Sendable>(
        host: String = "127.0.0.1", port: Int,
        configuration: MasterConfiguration = MasterConfiguration(),
        zooKeeper: ZooKeeperMasterAddress? = nil,
        logger: Logger = Logger(label: "local-mesos.master"),
        _ body: @Sendable (EmbeddedMaster) async throws -> T
    ) async throws -> T {
        guard
            let info = MasterInfo(
                id: configuration.masterID, ipv4: host, port: port, version: "1.11.0")
        else {
            throw EmbeddedMasterError.invalidAddress(host: host, port: port)
        }
        let master = LocalMaster(configuration: configuration, masterInfo: info, logger: logger)
        let responder = MasterHTTPResponder(
            master: master,
            flags: [
                "port": String(port), "hostname": host,
                "allocation_interval": "\(configuration.allocationIntervalSeconds)secs",
            ])
        let embedded = EmbeddedMaster(master: master, host: host, port: port)
        let server = HTTPServer(
            name: "local Mesos master", responder: responder, host: host, port: port,
            server: .http1(additionalChannelHandlers: [CloseOnInputClosedHandler()]), logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await master.run() }
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await server.withRunning { _ in
                        let outcome: Result<T, any Error>
                        do {
                            if let zooKeeper {
                                outcome = .success(
                                    try await ZooKeeperMasterRegistration.withRegistration(
                                        at: zooKeeper, masterInfo: info, logger: logger
                                    ) { _ in try await body(embedded) })
                            } else {
                                outcome = .success(try await body(embedded))
                            }
                        } catch {
                            outcome = .failure(error)
                        }
                        // Streams end before the server stops, so its graceful shutdown does not wait on them.
                        await master.stop()
                        return try outcome.get()
                    })
            } catch {
                result = .failure(error)
            }
            await master.stop()
            try await group.waitForAll()
            return try result.get()
        }
    }
}

/// Why the embedded master could not start.
public enum EmbeddedMasterError: Error, CustomStringConvertible {
    case invalidAddress(host: String, port: Int)

    public var description: String {
        switch self {
        case .invalidAddress(let host, let port):
            "cannot serve the local Mesos master on \(host):\(port): the host must be an IPv4 address and the port 1–65535"
        }
    }
}

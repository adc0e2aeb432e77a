import Foundation
import HTTPServing
import Hummingbird
import Logging
import MesosAPI
import NIOCore
import Synchronization

/// One local Mesos master: an HTTP server for the scheduler and operator APIs on `host:port`, its own
/// `MasterInfo`, and its view of who leads (`leadership`). Masters started together share one `LocalMaster`
/// state (see `LocalMasterSet`): the leader serves it, the others answer as real standbys do.
///
/// Start one with `withRunning(…)`, several with `LocalCluster`; `stop()` stops one master as if its process
/// were killed (its subscription streams end, it leaves the election, it stops listening).
public struct EmbeddedMaster: Sendable {
    /// The state every master of the cluster serves (while it leads).
    public let master: LocalMaster
    public let host: String
    public let port: Int
    public let leadership: MasterLeadership
    /// The scheduler API requests this master answered.
    public let schedulerRequests: SchedulerRequestLog
    private let server: HTTPServer
    private let lifecycle: MasterLifecycle

    /// `http://host:port`, the base of every endpoint.
    public var url: String { "http://\(host):\(port)" }
    /// This master's `MasterInfo`.
    public var info: MasterInfo { leadership.own }
    /// Whether this master leads now.
    public var isLeading: Bool { leadership.isLeading }

    init(master: LocalMaster, info: MasterInfo, host: String, port: Int, logger: Logger) {
        self.master = master
        self.host = host
        self.port = port
        leadership = MasterLeadership(own: info)
        schedulerRequests = SchedulerRequestLog()
        lifecycle = MasterLifecycle()
        let responder = MasterHTTPResponder(
            master: master, leadership: leadership, requests: schedulerRequests,
            flags: [
                "port": String(port), "hostname": host,
                "allocation_interval": "\(master.configuration.allocationIntervalSeconds)secs",
            ])
        server = HTTPServer(
            name: "local Mesos master", responder: responder, host: host, port: port,
            limits: .longLivedStreams, channelHandlers: { [CloseOnInputClosedHandler()] },
            logger: logger
        )
    }

    /// Runs one master on `host:port` for the duration of `body`; with `zooKeeper`, it contends there as
    /// real masters do (and leads once its node is the lowest), else it leads at once.
    public static func withRunning<T: Sendable>(
        host: String = "127.0.0.1", port: Int,
        configuration: MasterConfiguration = MasterConfiguration(),
        zooKeeper: ZooKeeperMasterAddress? = nil,
        logger: Logger = Logger(label: "local-mesos.master"),
        _ body: @Sendable (EmbeddedMaster) async throws -> T
    ) async throws -> T {
        try await LocalMasterSet.withRunning(
            addresses: [(host, port)], configuration: configuration, zooKeeper: zooKeeper,
            logger: logger
        ) { set in try await body(set.masters[0]) }
    }

    /// Stops this master as if its process were killed, and returns once it no longer listens.
    public func stop() async {
        requestStop()
        await lifecycle.stopped.wait()
    }

    /// Starts stopping this master without waiting (the cluster stops all its masters at once).
    func requestStop() {
        lifecycle.stopRequested.open()
    }

    /// Why this master could not serve or contend, if it could not.
    var failure: String? { lifecycle.failure }

    /// How far this master got, and who it believes leads.
    var progress: String {
        "\(url): \(lifecycle.stage), leader \(leadership.leader.map { "\($0.endpoint())" } ?? "none")"
    }

    /// Serves and contends in `election` (as the `rank`th master) until `stop()` or cancellation; failures are
    /// kept in `failure`.
    func serve(election: LocalMasterElection, rank: Int, logger: Logger) async {
        defer { lifecycle.stopped.open() }
        lifecycle.reach("starting its HTTP server")
        do {
            try await server.withRunning { _ in
                lifecycle.reach("listening, contending")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await election.contend(as: info, rank: rank, logger: logger) {
                                leader in
                                await leaderChanged(to: leader, logger: logger)
                            }
                        } catch is CancellationError {
                        } catch {
                            lifecycle.fail("\(url) cannot contend for leadership: \(error)")
                            logger.error("local master \(url) cannot contend: \(error)")
                        }
                    }
                    await lifecycle.stopRequested.wait()
                    // As a killed master: its streams end, then it leaves the election and stops listening.
                    for id in leadership.retire() { await master.streamClosed(id) }
                    group.cancelAll()
                }
            }
        } catch {
            lifecycle.fail("\(url) cannot serve: \(error)")
        }
        for id in leadership.retire() { await master.streamClosed(id) }
    }

    /// `Master::detected`: a master newly elected takes the lead; one that sees another leader (or none)
    /// stops serving, and its subscription streams end (a real master exits here).
    private func leaderChanged(to leader: MasterInfo?, logger: Logger) async {
        let (led, leads) = leadership.update(leader: leader)
        lifecycle.reach(leads ? "detected itself as leader" : "detected another leader or none")
        if leads && !led {
            logger.info("local master \(url) elected as the leading master")
            await master.lead(as: info)
            lifecycle.reach("leading")
        } else if led && !leads {
            logger.warning(
                "local master \(url) lost leadership (leader now: \(leader.map { "\($0.endpoint())" } ?? "none")); its subscriptions end"
            )
            for id in leadership.takeStreams() { await master.streamClosed(id) }
        }
    }
}

/// Start and stop of one master: the stop request, the stop itself, and what went wrong.
final class MasterLifecycle: Sendable {
    let stopRequested = Latch()
    let stopped = Latch()
    private let problem = Mutex<String?>(nil)
    private let reached = Mutex("not started")

    /// How far the master got (for the error when no leader is elected in time).
    var stage: String { reached.withLock { $0 } }
    func reach(_ stage: String) { reached.withLock { $0 = stage } }

    var failure: String? { problem.withLock { $0 } }
    func fail(_ reason: String) { problem.withLock { $0 = $0 ?? reason } }
}

/// Why the embedded masters could not start.
public enum EmbeddedMasterError: Error, CustomStringConvertible {
    case invalidAddress(host: String, port: Int)
    case noLeaderElected(waited: Duration, problems: [String])
    /// A master could not listen or contend (the reason says which and why).
    case masterFailed(String)

    public var description: String {
        switch self {
        case .invalidAddress(let host, let port):
            "cannot serve the local Mesos master on \(host):\(port): the host must be an IPv4 address and the port 1–65535"
        case .noLeaderElected(let waited, let problems):
            "no local Mesos master was elected to lead within \(waited)"
                + (problems.isEmpty ? "" : ": " + problems.joined(separator: "; "))
        case .masterFailed(let reason):
            "a local Mesos master failed: \(reason)"
        }
    }
}

import AsyncHTTPClient
import Foundation
import Hummingbird
import LocalMesos
import Logging
import MesosAPI
import Reconciler

/// The scheduler's composition root: builds the adapters around the reconciler from validated settings and
/// runs them until cancelled (SIGTERM/SIGINT in the binary). With `-master=local` it first starts an embedded
/// Mesos master and agents and runs against them.
public struct SchedulerApp: Sendable {
    let settings: SchedulerSettings
    let logger: Logger

    public init(settings: SchedulerSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs the scheduler until the calling task is cancelled. `onReady` gets the admin URL once it listens.
    public func run(onReady: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        switch settings.master {
        case .local:
            let local = settings.localMesos ?? LocalMesosSettings(
                agentCount: max(3, settings.reconciler.clusterSize), workDirectory: settings.workDirectory + "/agents")
            try FileManager.default.createDirectory(atPath: local.workDirectory, withIntermediateDirectories: true)
            // Each agent is big enough for one member and its executor, whatever the sandbox limits.
            let task = settings.reconciler.taskResources
            let executor = settings.reconciler.executorResources
            let configuration = LocalClusterConfiguration(
                agentCount: local.agentCount, workDirectory: local.workDirectory,
                cpus: max(4, (task.cpus + executor.cpus).rounded(.up)), mem: max(4096, task.memoryMB + executor.memoryMB),
                disk: max(10240, task.diskMB + executor.diskMB))
            logger.info(
                "starting local Mesos",
                metadata: ["agents": "\(local.agentCount)", "work_dir": "\(local.workDirectory)"])
            try await LocalCluster.withRunning(configuration, logger: logger) { cluster in
                let endpoint = MesosEndpoint(host: cluster.master.host, port: cluster.master.port)
                logger.info("local Mesos master running", metadata: ["url": "\(cluster.url)"])
                try await runScheduler(resolver: MasterResolver(source: .endpoints([endpoint])), onReady: onReady)
            }
        case .endpoints(let endpoints):
            try await runScheduler(resolver: MasterResolver(source: .endpoints(endpoints)), onReady: onReady)
        case .zooKeeper(let address):
            let detector = MasterDetector(address: address, logger: logger)
            try await runScheduler(resolver: MasterResolver(source: .zooKeeper(detector)), onReady: onReady)
        }
    }

    private func runScheduler(
        resolver: MasterResolver, onReady: @escaping @Sendable (String) -> Void
    ) async throws {
        let store = try await StateStoreFactory.make(settings.persistence, frameworkName: settings.frameworkName, logger: logger)
        let restored = try await store.load()
        if let restored {
            logger.info(
                "restored the persisted state",
                metadata: [
                    "framework_id": "\(restored.frameworkID?.rawValue ?? "none")", "tasks": "\(restored.tasks.count)",
                    "epoch": "\(restored.clusterEpoch)",
                ])
        }
        var reconcilerConfiguration = settings.reconciler
        reconcilerConfiguration.firstMemberIndex = Int(Date().timeIntervalSince1970)
        let reconciler = ClusterReconciler(configuration: reconcilerConfiguration, restoredState: restored)
        let adminToken = try settings.adminTokenFile.map(Self.readSecret)
        let credential = try settings.authentication.flatMap { authentication in
            try authentication.secretFile.map {
                MesosCredential(principal: authentication.principal, secret: try Self.readSecret($0))
            }
        }

        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: nil)))
        do {
            try await runServices(
                resolver: resolver, store: store, reconciler: reconciler, adminToken: adminToken,
                credential: credential, httpClient: httpClient, onReady: onReady)
        } catch {
            try? await httpClient.shutdown()
            await store.close()
            throw error
        }
        try? await httpClient.shutdown()
        await store.close()
    }

    private func runServices(
        resolver: MasterResolver, store: any ClusterStateStore, reconciler: ClusterReconciler, adminToken: String?,
        credential: MesosCredential?, httpClient: HTTPClient, onReady: @escaping @Sendable (String) -> Void
    ) async throws {
        let pool = EtcdClientPool(callTimeout: .seconds(5), logger: logger)
        let link = MesosLink()
        let artifacts = ArtifactFiles(binaries: settings.binaries)
        let metrics = SchedulerMetrics()
        try await withThrowingTaskGroup(of: Void.self) { group in
            let artifactRouter = Router()
            ArtifactRoutes(files: artifacts.served).add(to: artifactRouter)
            let artifactPort = try await HTTPListener.start(
                artifactRouter, host: settings.address, port: settings.artifactPort, name: "artifact", logger: logger,
                in: &group)

            let taskBuilder = MemberTaskBuilder(
                frameworkName: settings.frameworkName, artifactBaseURL: "http://\(urlHost):\(artifactPort)",
                executorFileName: artifacts.executorName, etcdFileName: artifacts.etcdName,
                toolFileNames: artifacts.toolNames, backupBaseURL: "http://\(urlHost):\(settings.adminPort)")
            let actions = SchedulerActions(
                link: link, taskBuilder: taskBuilder, store: store,
                membership: MembershipOperator(pool: pool, logger: logger),
                reseed: ReseedMessenger(httpClient: httpClient), snapshot: nil, backupSHA256: { _ in nil },
                logger: logger)
            let core = SchedulerCore(reconciler: reconciler, actions: actions, logger: logger)
            group.addTask { await core.run() }

            let adminRouter = Router()
            AdminRoutes(core: core, metrics: metrics, extras: [], adminToken: adminToken).add(to: adminRouter)
            let adminPort = try await HTTPListener.start(
                adminRouter, host: "0.0.0.0", port: settings.adminPort, name: "admin", logger: logger, in: &group)

            let framework = FrameworkInfo(
                user: Self.currentUser, name: settings.frameworkName,
                failoverTimeout: Double(settings.failoverTimeout.components.seconds), checkpoint: true,
                hostname: settings.address, principal: settings.authentication?.principal,
                webuiURL: settings.webUIURL(adminPort: adminPort))
            let connection = MesosConnection(
                resolver: resolver, framework: framework, credential: credential, httpClient: httpClient, link: link,
                core: core, logger: logger)
            let prober = ClusterProber(pool: pool, quorumKey: "/etcd-mesos/health/\(settings.frameworkName)")
            group.addTask { await connection.run() }
            group.addTask { await Self.tick(core) }
            group.addTask { await Self.probe(core, prober: prober, pool: pool, every: settings.etcdHealthInterval) }
            onReady("http://\(urlHost):\(adminPort)")
            defer { group.cancelAll() }
            try await group.next()
        }
        await pool.shutDown()
    }

    private var urlHost: String { settings.address.contains(":") ? "[\(settings.address)]" : settings.address }

    /// The user tasks run as: the scheduler's own, as the original's driver filled in.
    static var currentUser: String {
        ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
    }

    /// A secret file's content without its trailing newline.
    static func readSecret(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        } catch {
            throw SchedulerStartError.unreadableFile(path: path, reason: "\(error)")
        }
    }

    /// The reconciler's clock: a tick every second.
    private static func tick(_ core: SchedulerCore) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            core.submit(.tick)
        }
    }

    /// The etcd health probe, every `interval`, over the members the reconciler tracks.
    private static func probe(
        _ core: SchedulerCore, prober: ClusterProber, pool: EtcdClientPool, every interval: Duration
    ) async {
        while !Task.isCancelled {
            let members = await core.members.map(\.identity)
            if !members.isEmpty {
                core.submit(.clusterObserved(await prober.observe(members)))
                await pool.keepOnly(Set(members.map(\.clientURL)))
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Why the scheduler could not start.
public enum SchedulerStartError: Error, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        }
    }
}

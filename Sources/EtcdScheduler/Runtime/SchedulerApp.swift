import AsyncHTTPClient
import Backup
import Foundation
import HTTPServing
import Hummingbird
import LocalMesos
import Logging
import MesosAPI
import Reconciler
import ServiceLifecycle
import Support

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
            let local =
                settings.localMesos
                ?? LocalMesosSettings(
                    agentCount: max(3, settings.reconciler.clusterSize),
                    workDirectory: settings.workDirectory + "/agents")
            try FileManager.default.createDirectory(
                atPath: local.workDirectory, withIntermediateDirectories: true)
            // Each agent is big enough for one member and its executor, whatever the sandbox limits.
            let task = settings.reconciler.taskResources
            let executor = settings.reconciler.executorResources
            let configuration = LocalClusterConfiguration(
                agentCount: local.agentCount, workDirectory: local.workDirectory,
                cpus: max(4, (task.cpus + executor.cpus).rounded(.up)),
                mem: max(4096, task.memoryMB + executor.memoryMB),
                disk: max(10240, task.diskMB + executor.diskMB))
            logger.info(
                "starting local Mesos",
                metadata: ["agents": "\(local.agentCount)", "work_dir": "\(local.workDirectory)"])
            try await LocalCluster.withRunning(configuration, logger: logger) { cluster in
                let endpoint = MesosEndpoint(host: cluster.master.host, port: cluster.master.port)
                logger.info("local Mesos master running", metadata: ["url": "\(cluster.url)"])
                try await runScheduler(
                    resolver: MasterResolver(source: .endpoints([endpoint])), onReady: onReady)
            }
        case .endpoints(let endpoints):
            try await runScheduler(
                resolver: MasterResolver(source: .endpoints(endpoints)), onReady: onReady)
        case .zooKeeper(let address):
            let detector = MasterDetector(address: address, logger: logger)
            try await runScheduler(
                resolver: MasterResolver(source: .zooKeeper(detector)), onReady: onReady)
        }
    }

    private func runScheduler(
        resolver: MasterResolver, onReady: @escaping @Sendable (String) -> Void
    ) async throws {
        let store = try await StateStoreFactory.make(
            settings.persistence, frameworkName: settings.frameworkName, logger: logger)
        let restored = try await store.load()
        if let restored {
            logger.info(
                "restored the persisted state",
                metadata: [
                    "framework_id": "\(restored.frameworkID?.rawValue ?? "none")",
                    "tasks": "\(restored.tasks.count)",
                    "epoch": "\(restored.clusterEpoch)",
                ])
        }
        var reconcilerConfiguration = settings.reconciler
        reconcilerConfiguration.firstMemberIndex = Int(Date().timeIntervalSince1970)
        reconcilerConfiguration.totalLoss = try StartupRestore.policy(
            restoreFrom: settings.restoreFrom, allowEmptyCluster: settings.allowEmptyCluster,
            store: BackupStore(directory: settings.backup.directory),
            clusterName: settings.frameworkName)
        if case .restore(let id) = reconcilerConfiguration.totalLoss {
            let onRecord = restored?.tasks.count ?? 0
            logger.notice(
                onRecord == 0
                    ? "-restore-from: the first member of a new cluster epoch starts from backup \(id)"
                    : "-restore-from: \(onRecord) task(s) are on record; backup \(id) is restored only if they are all lost"
            )
        }
        let reconciler = ClusterReconciler(
            configuration: reconcilerConfiguration, restoredState: restored)
        let adminToken = try settings.adminTokenFile.map(Self.readSecret)
        let credential = try settings.authentication.flatMap { authentication in
            try authentication.secretFile.map {
                MesosCredential(
                    principal: authentication.principal, secret: try Self.readSecret($0))
            }
        }

        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: nil))
        )
        let result: Result<Void, any Error>
        do {
            let services = try makeServices(
                resolver: resolver, store: store, reconciler: reconciler, adminToken: adminToken,
                credential: credential, httpClient: httpClient, onReady: onReady)
            let group = ServiceGroup(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            try await group.run()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        try? await httpClient.shutdown()
        await store.close()
        try result.get()
    }

    /// Every long-lived part of the scheduler, in start order; the group stops them in reverse, so the
    /// Mesos connection stops first and the reconciler's core last.
    private func makeServices(
        resolver: MasterResolver, store: any ClusterStateStore, reconciler: ClusterReconciler,
        adminToken: String?,
        credential: MesosCredential?, httpClient: HTTPClient,
        onReady: @escaping @Sendable (String) -> Void
    ) throws -> [any Service] {
        let backupStore = BackupStore(directory: settings.backup.directory)
        let pool = EtcdClientPool(callTimeout: .seconds(5), logger: logger)
        let link = MesosLink()
        let artifacts = ArtifactFiles(binaries: settings.binaries)
        let urls = ServedURLs(address: settings.address)

        let artifactRouter = Router()
        ArtifactRoutes(files: artifacts.served).add(to: artifactRouter)
        let artifactServer = HTTPServer(
            name: "artifact", router: artifactRouter, host: settings.address,
            port: settings.artifactPort,
            logger: logger)

        let taskBuilder = MemberTaskBuilder(
            frameworkName: settings.frameworkName, urls: urls,
            executorFileName: artifacts.executorName,
            etcdFileName: artifacts.etcdName, toolFileNames: artifacts.toolNames)
        let actions = SchedulerActions(
            link: link, taskBuilder: taskBuilder, store: store,
            membership: MembershipOperator(pool: pool, logger: logger),
            reseed: ReseedMessenger(httpClient: httpClient),
            backupSHA256: { id in try? backupStore.entry(id: id).manifest.archiveSHA256 },
            logger: logger)
        let core = SchedulerCore(reconciler: reconciler, actions: actions, logger: logger)
        let backups = try makeBackupService(core: core)

        let adminRouter = Router()
        let admin = AdminRoutes(
            core: core, metrics: SchedulerMetrics(), extras: [BackupStatus(service: backups)],
            adminToken: adminToken, clusterName: settings.frameworkName)
        admin.add(to: adminRouter)
        BackupRoutes(service: backups, adminToken: adminToken).add(to: adminRouter)
        RestoreRoute(
            core: core,
            verification: RestoreVerification(
                store: backupStore, clusterName: settings.frameworkName),
            admin: admin
        )
        .add(to: adminRouter)
        let adminServer = HTTPServer(
            name: "admin", router: adminRouter, host: "0.0.0.0", port: settings.adminPort,
            logger: logger)

        let settings = self.settings
        let logger = self.logger
        // Subscribing waits for both servers: the framework names the admin URL, and launches name both.
        let framework: @Sendable () async throws -> FrameworkInfo = {
            let adminPort = try await adminServer.port()
            let artifactPort = try await artifactServer.port()
            if urls.set(adminPort: adminPort, artifactPort: artifactPort) {
                logger.info(
                    "HTTP servers listening",
                    metadata: ["admin": "\(urls.admin)", "artifact": "\(urls.artifact)"])
                onReady(urls.admin)
            }
            return FrameworkInfo(
                user: Self.currentUser, name: settings.frameworkName,
                failoverTimeout: settings.failoverTimeout.seconds.rounded(.down), checkpoint: true,
                hostname: settings.address, principal: settings.authentication?.principal,
                webuiURL: settings.webUIURL(adminPort: adminPort))
        }
        let connection = MesosConnection(
            resolver: resolver, framework: framework, credential: credential,
            httpClient: httpClient, link: link,
            core: core, logger: logger)
        let prober = ClusterProber(
            pool: pool, quorumKey: "/etcd-mesos/health/\(settings.frameworkName)")
        return [
            core, pool, backups, artifactServer, adminServer,
            HealthProbeLoop(
                core: core, prober: prober, pool: pool, interval: settings.etcdHealthInterval),
            ReconcilerTicker(core: core), connection,
        ]
    }

    /// Periodic and on-demand backups of the members the reconciler runs.
    private func makeBackupService(core: SchedulerCore) throws -> BackupService {
        let backup = settings.backup
        let configuration = BackupServiceConfiguration(
            directory: backup.directory, interval: backup.interval,
            retention: RetentionPolicy(
                keepNewest: backup.retention.keepNewest, keepWithin: backup.retention.keepWithin),
            compression: BackupCompression(level: backup.compressionLevel),
            toolVersion: "etcd-mesos-swift")
        let clusterName = settings.frameworkName
        // Each new good backup is persisted as the cluster's last good backup.
        return try BackupService(
            configuration: configuration, logger: logger,
            onSuccess: { core.submit(.backupCompleted(backupID: $0.id, revision: $0.revision)) }
        ) {
            let members = await core.members.filter { $0.state == .running }.map {
                BackupSourceCandidate(endpoint: $0.identity.clientURL, name: $0.identity.name)
            }
            return BackupTarget(
                clusterName: clusterName, clusterEpoch: await core.persistedState.clusterEpoch,
                members: members)
        }
    }

    /// The user tasks run as: the scheduler's own, as the original's driver filled in.
    static var currentUser: String {
        ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
    }

    /// A secret file's content without its trailing newline.
    static func readSecret(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
                in: .newlines)
        } catch {
            throw SchedulerStartError.unreadableFile(path: path, reason: "\(error)")
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

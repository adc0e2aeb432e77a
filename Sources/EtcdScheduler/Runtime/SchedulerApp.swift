import AsyncHTTPClient
import Backup
import Foundation
import HTTPServing
import Hummingbird
import LocalMesos
import Logging
import MesosAPI
import MesosMasterDetection
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
        // Before anything starts: a token file others may read stops the scheduler here.
        let adminToken = try AdminTokenStartup.load(settings, logger: logger)
        // Only the instance leading this persistence location runs; the others wait as standbys.
        let status = StandbyStatus()
        try await SchedulerLeadership.run(
            election: SchedulerElectionFactory.make(
                settings.persistence, frameworkName: settings.frameworkName, logger: logger),
            status: status,
            standby: StandbyAdminServer(
                host: settings.adminAddress, port: settings.adminPort, address: settings.address,
                adminToken: adminToken, clusterName: settings.frameworkName, status: status,
                logger: logger),
            logger: logger
        ) { try await runLeading(adminToken: adminToken, onReady: onReady) }
    }

    /// Runs the scheduler of the leading instance until cancelled.
    private func runLeading(adminToken: String, onReady: @escaping @Sendable (String) -> Void)
        async throws
    {
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
                    resolver: MasterResolver(source: .endpoints([endpoint])),
                    adminToken: adminToken, onReady: onReady)
            }
        case .endpoints(let endpoints):
            try await runScheduler(
                resolver: MasterResolver(source: .endpoints(endpoints)), adminToken: adminToken,
                onReady: onReady)
        case .zooKeeper(let address):
            let detector = MasterDetector(address: address, logger: logger)
            try await runScheduler(
                resolver: MasterResolver(source: .zooKeeper(detector)), adminToken: adminToken,
                onReady: onReady)
        }
    }

    private func runScheduler(
        resolver: MasterResolver, adminToken: String, onReady: @escaping @Sendable (String) -> Void
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
        let remoteBackups = try makeRemoteBackups()
        reconcilerConfiguration.totalLoss = try await StartupRestore.policy(
            restoreFrom: settings.restoreFrom, allowEmptyCluster: settings.allowEmptyCluster,
            store: BackupStore(directory: settings.backup.directory), remote: remoteBackups,
            clusterName: settings.frameworkName)
        if case .restore(let id) = reconcilerConfiguration.totalLoss {
            let onRecord = restored?.tasks.count ?? 0
            logger.notice(
                onRecord == 0
                    ? "-restore-from: the first member of a new cluster epoch starts from backup \(id)"
                    : "-restore-from: \(onRecord) task(s) are on record; backup \(id) is restored only if they are all lost"
            )
        }
        // The executors' secrets derive from a key kept with the state; the first persist stores a new one.
        let reconciler = ClusterReconciler(
            configuration: reconcilerConfiguration,
            restoredState: ExecutorSecrets.ensuringKey(in: restored))
        let credential = try settings.authentication.flatMap { authentication in
            try authentication.secretFile.map {
                MesosCredential(
                    principal: authentication.principal, secret: try Self.readSecret($0))
            }
        }

        // Mesos calls: redirects are followed by the subscription itself, never by the client.
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .mesos(connectTimeout: .seconds(5)))
        let result: Result<Void, any Error>
        do {
            let services = try makeServices(
                resolver: resolver, store: store, reconciler: reconciler, remote: remoteBackups,
                adminToken: adminToken,
                credential: credential, httpClient: httpClient, onReady: onReady)
            // A failed-over Mesos connection shuts the others down gracefully; the scheduler then exits non-zero.
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services.map {
                        .init(
                            service: $0,
                            failureTerminationBehavior: $0 is MesosConnection
                                ? .gracefullyShutdownGroup : .cancelGroup)
                    }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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
        remote: RemoteBackups?, adminToken: String,
        credential: MesosCredential?, httpClient: HTTPClient,
        onReady: @escaping @Sendable (String) -> Void
    ) throws -> [any Service] {
        let backupStore = BackupStore(directory: settings.backup.directory)
        let pool = EtcdClientPool(callTimeout: .seconds(5), logger: logger)
        let link = MesosLink()
        let artifacts = ArtifactFiles(binaries: settings.binaries)
        let urls = ServedURLs(address: settings.address)
        let access = AdminAccess(token: adminToken, ownOrigin: { urls.admin })
        let secrets = reconciler.persistedState.executorSecretKey.flatMap(
            ExecutorSecrets.init(key:))

        let artifactRouter = Router()
        ArtifactRoutes(files: artifacts.served).add(to: artifactRouter)
        let artifactServer = HTTPServer(
            name: "artifact", router: artifactRouter, host: settings.address,
            port: settings.artifactPort,
            logger: logger)

        let taskBuilder = MemberTaskBuilder(
            frameworkName: settings.frameworkName, urls: urls,
            executorFileName: artifacts.executorName,
            etcdFileName: artifacts.etcdName, toolFileNames: artifacts.toolNames,
            downloads: access.downloads, secrets: secrets)
        let actions = SchedulerActions(
            link: link, taskBuilder: taskBuilder, store: store,
            membership: MembershipOperator(pool: pool, logger: logger),
            reseed: ReseedMessenger(httpClient: httpClient, secrets: secrets),
            restoreArchives: RestoreArchiveLocator(
                local: backupStore, remote: remote, logger: logger),
            logger: logger)
        let core = SchedulerCore(reconciler: reconciler, actions: actions, logger: logger)
        let backups = try makeBackupService(core: core, remote: remote)

        // The access middleware comes first, so it guards every route added after it.
        let adminRouter = Router().add(middleware: AdminAccessMiddleware(access: access))
        let admin = AdminRoutes(
            core: core, metrics: SchedulerMetrics(),
            extras: [BackupStatus(service: backups), SchedulerRoleStatus(link: link)],
            access: access, clusterName: settings.frameworkName)
        admin.add(to: adminRouter)
        BackupRoutes(service: backups).add(to: adminRouter)
        RestoreRoute(
            core: core,
            verification: RestoreVerification(
                store: backupStore, remote: remote, clusterName: settings.frameworkName),
            admin: admin, backups: backups
        )
        .add(to: adminRouter)
        let adminServer = HTTPServer(
            name: "admin", router: adminRouter, host: settings.adminAddress,
            port: settings.adminPort,
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
                user: settings.frameworkUser ?? Self.currentUser, name: settings.frameworkName,
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

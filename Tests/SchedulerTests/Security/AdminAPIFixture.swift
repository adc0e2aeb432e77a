import Backup
import EtcdMesosTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import EtcdScheduler
@testable import Reconciler

/// Records every action the core carries out: a reseed or restore the admin API let through shows up here.
final class RecordingActions: ClusterActionPerformer {
    let performed = Mutex<[ClusterAction]>([])

    func perform(_ action: ClusterAction, context: ActionContext) async {
        performed.withLock { $0.append(action) }
    }
}

/// The admin API as the scheduler assembles it (access middleware first, then the admin, backup and restore
/// routes) over a backup directory holding one archive, a backup service with no member to snapshot (a
/// backup it is asked for fails, and counts as a failure), and a reconciler core whose actions are recorded.
/// An attack that gets through changes one of the three.
struct AdminAPIFixture: Sendable {
    static let token = "0123456789abcdef-admin-token"
    static let ownOrigin = "http://127.0.0.1:23400"

    let directory: String
    let backups: BackupService
    let core: SchedulerCore
    let actions: RecordingActions
    let access: AdminAccess
    /// The backup in the directory, and its archive's bytes.
    let backupID: String
    let archive: Data

    /// Runs `body` with a fixture whose core runs; removes the directory afterwards.
    static func with(_ body: @Sendable (AdminAPIFixture) async throws -> Void) async throws {
        let temporary = try TemporaryDirectory(prefix: "admin-api")
        defer { temporary.remove() }
        let (id, archive) = try writeBackup(in: temporary.path)
        var logger = Logger(label: "admin-api-test")
        logger.logLevel = .critical
        let backups = try BackupService(
            configuration: BackupServiceConfiguration(directory: temporary.path, interval: nil),
            logger: logger
        ) { BackupTarget(clusterName: "etcd", clusterEpoch: 1, members: []) }
        let actions = RecordingActions()
        var configuration = ReconcilerConfiguration(clusterSize: 3)
        configuration.firstMemberIndex = 1
        let core = SchedulerCore(
            reconciler: ClusterReconciler(configuration: configuration), actions: actions,
            logger: logger)
        let fixture = AdminAPIFixture(
            directory: temporary.path, backups: backups, core: core, actions: actions,
            access: AdminAccess(token: token, ownOrigin: { ownOrigin }), backupID: id,
            archive: archive)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await core.run() }
            try await body(fixture)
            group.cancelAll()
        }
    }

    /// The admin router, as `SchedulerApp` builds it.
    func router() -> Router<BasicRequestContext> {
        let router = Router().add(middleware: AdminAccessMiddleware(access: access))
        let admin = AdminRoutes(
            core: core, metrics: SchedulerMetrics(), extras: [BackupStatus(service: backups)],
            access: access, clusterName: "etcd")
        admin.add(to: router)
        BackupRoutes(service: backups).add(to: router)
        RestoreRoute(
            core: core,
            verification: RestoreVerification(store: backups.store, clusterName: "etcd"),
            admin: admin, backups: backups
        ).add(to: router)
        return router
    }

    /// Runs `body` with a client of the router (no sockets).
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: router()).test(.router, body)
    }

    /// What an attack must leave as it was: the directory's files and sizes, the backups the service
    /// attempted, and the actions the core carried out.
    struct State: Equatable {
        var files: [String: Int]
        var backupAttempts: Int
        var actions: Int
    }

    func state() async throws -> State {
        var files: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: "\(directory)/\(name)")
            files[name] = (attributes[.size] as? Int) ?? -1
        }
        let statistics = await backups.statistics
        return State(
            files: files, backupAttempts: statistics.successes + statistics.failures,
            actions: actions.performed.withLock { $0.count })
    }

    /// A backup's files as the store lists them: an archive (any bytes do for the API) and its sidecar.
    private static func writeBackup(in directory: String) throws -> (String, Data) {
        let createdAt = Date(timeIntervalSince1970: 1_700_000_000)
        let id = BackupID.make(clusterName: "etcd", createdAt: createdAt, revision: 42)
        let archive = Data("every key of the cluster, secrets included".utf8)
        let manifest = BackupManifest(
            id: id, clusterName: "etcd", clusterEpoch: 1,
            sourceMember: BackupSourceMember(id: "1", name: "m1", endpoint: "e", wasLeader: false),
            revision: 42, raftIndex: 1, raftTerm: 1, etcdVersion: "3.4.23", dbSize: 1,
            dbSHA256: "", compressionLevel: 1, createdAt: createdAt, durationSeconds: 1,
            toolVersion: "test", archiveSize: UInt64(archive.count), archiveSHA256: "00",
            trigger: .periodic)
        try archive.write(to: URL(fileURLWithPath: "\(directory)/\(id).tar.zst"))
        try manifest.encoded().write(to: URL(fileURLWithPath: "\(directory)/\(id).tar.zst.json"))
        return (id, archive)
    }
}

/// A response's `error` message.
func errorMessage(_ response: TestResponse) -> String {
    let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    return ((object as? [String: Any])?["error"] as? String) ?? ""
}

/// `Authorization: Bearer <token>`, and whatever else is given.
func bearer(_ extra: HTTPFields = [:], token: String = AdminAPIFixture.token) -> HTTPFields {
    var headers: HTTPFields = [.authorization: "Bearer \(token)"]
    headers.append(contentsOf: extra)
    return headers
}

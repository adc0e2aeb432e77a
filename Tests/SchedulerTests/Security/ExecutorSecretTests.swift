import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import Hummingbird
import Logging
import MesosAPI
import TaskContract
import Testing

@testable import EtcdScheduler
@testable import Reconciler

/// The executors' secrets: one per task, derived from a key persisted with the cluster state, handed over in
/// `TaskInfo.data` and sent with every reseed order.
@Suite("Security: executor secrets")
struct ExecutorSecretTests {
    private let key = ExecutorSecrets.newKey()

    private func launch(index: Int, epoch: Int, restore: String? = nil) -> MemberLaunch {
        let member = MemberIdentity(
            index: index, host: "127.0.0.3", peerPort: 31000, clientPort: 31001, reseedPort: 31002)
        return MemberLaunch(
            offerID: OfferID("o-1"), agentID: AgentID("a-3"), member: member,
            resources: TaskResources(cpus: 1, memoryMB: 512, diskMB: 1024),
            executorResources: TaskResources(cpus: 0.1, memoryMB: 32, diskMB: 0),
            initialCluster: [InitialClusterEntry(name: member.name, peerURL: member.peerURL)],
            initialClusterState: .new, clusterEpoch: epoch, restoreFromBackup: restore)
    }

    private func builder(_ secrets: ExecutorSecrets?) -> MemberTaskBuilder {
        let urls = ServedURLs(address: "10.0.0.9")
        urls.set(adminPort: 23400, artifactPort: 23401)
        return MemberTaskBuilder(
            frameworkName: "etcd-prod", urls: urls, executorFileName: "etcd-mesos-executor",
            etcdFileName: "etcd", toolFileNames: [], secrets: secrets)
    }

    @Test(
        "a key is 32 random bytes; each task gets its own 32-byte secret, the same after a restart")
    func secretsPerTask() throws {
        #expect(ExecutorSecrets.base64URLDecoded(key)?.count == 32)
        #expect(key != ExecutorSecrets.newKey())
        let secrets = try #require(ExecutorSecrets(key: key))
        let first = secrets.secret(for: launch(index: 1, epoch: 1).taskID)
        let second = secrets.secret(for: launch(index: 2, epoch: 1).taskID)
        #expect(first != second)
        #expect(ExecutorSecrets.base64URLDecoded(first)?.count == 32)
        #expect(!first.contains("+") && !first.contains("/") && !first.contains("="))
        #expect(
            try #require(ExecutorSecrets(key: key)).secret(for: launch(index: 1, epoch: 1).taskID)
                == first)
        #expect(
            try #require(ExecutorSecrets(key: ExecutorSecrets.newKey())).secret(
                for: launch(index: 1, epoch: 1).taskID) != first)
        #expect(ExecutorSecrets(key: "too-short") == nil)
        let tasks = [launch(index: 1, epoch: 1).taskID, launch(index: 2, epoch: 1).taskID]
        #expect(secrets.task(presenting: second, among: tasks) == tasks[1])
        #expect(secrets.task(presenting: "guess", among: tasks) == nil)
    }

    @Test(
        "the key is created once, carried by the reconciler and persisted: a restarted scheduler keeps it"
    )
    func keyIsPersistedWithTheState() async throws {
        let fresh = ExecutorSecrets.ensuringKey(in: nil)
        let created = try #require(fresh.executorSecretKey)
        #expect(ExecutorSecrets.ensuringKey(in: fresh).executorSecretKey == created)
        var stale = fresh
        stale.executorSecretKey = "not a key"
        #expect(ExecutorSecrets.ensuringKey(in: stale).executorSecretKey != "not a key")

        let reconciler = ClusterReconciler(
            configuration: ReconcilerConfiguration(), restoredState: fresh)
        #expect(reconciler.persistedState.executorSecretKey == created)
        let directory = try TemporaryDirectory(prefix: "executor-secret")
        defer { directory.remove() }
        let path = directory.appending("state.json")
        try await FileClusterStateStore(path: path).save(reconciler.persistedState)
        let loaded = try await FileClusterStateStore(path: path).load()
        #expect(ExecutorSecrets.ensuringKey(in: loaded).executorSecretKey == created)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the state file holds the key; it must be the owner's only")
    }

    @Test("a task carries its secret, and a restore the archive's hash and sizes from the sidecar")
    func taskDataCarriesTheSecretAndTheSizes() throws {
        let secrets = try #require(ExecutorSecrets(key: key))
        let launch = launch(index: 3, epoch: 2, restore: "b-1")
        let task = try builder(secrets).taskInfo(
            for: launch, restoreSHA256: String(repeating: "a", count: 64), archiveSize: 12_345,
            databaseSize: 99_000)
        let data = try EtcdTaskData(decoding: try #require(task.data))
        #expect(data.reseedSecret == secrets.secret(for: launch.taskID))
        #expect(data.restore?.archiveSize == 12_345)
        #expect(data.restore?.databaseSize == 99_000)
        #expect(data.restore?.archiveSHA256 == String(repeating: "a", count: 64))
        let without = try EtcdTaskData(
            decoding: try #require(try builder(nil).taskInfo(for: launch, restoreSHA256: nil).data))
        #expect(without.reseedSecret == nil)
    }

    @Test(
        "a reseed order carries the seed task's secret as a bearer token, even one launched epochs earlier"
    )
    func reseedOrderSendsTheSecret() async throws {
        let secrets = try #require(ExecutorSecrets(key: key))
        let headers = HeaderLog()
        let router = Router()
        router.post("/reseed") { request, _ -> Response in
            await headers.add(request.headers[.authorization] ?? "")
            return Response(
                status: .ok,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"reseeded"}"#)))
        }
        var logger = Logger(label: "reseed-secret-test")
        logger.logLevel = .critical
        let (bound, boundInput) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { boundInput.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var ports = bound.makeAsyncIterator()
            let port = try #require(await ports.next())
            let member = MemberIdentity(
                index: 4, host: "127.0.0.1", peerPort: 31000, clientPort: 31001, reseedPort: port)
            // The reseed starts epoch 5; the seed was launched in epoch 1 with its own task's secret.
            let order = ReseedOrder(member: member, agentID: nil, clusterEpoch: 5)
            let event = await ReseedMessenger(httpClient: .shared, secrets: secrets).deliver(order)
            #expect(event == .reseedFinished(order.taskID))
            #expect(await headers.values == ["Bearer \(secrets.secret(for: order.taskID))"])
            group.cancelAll()
        }
    }
}

/// The `Authorization` headers a test server saw.
private actor HeaderLog {
    private(set) var values: [String] = []
    func add(_ value: String) { values.append(value) }
}

import Backup
import EtcdMesosTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Admin API: /backups")
struct BackupRoutesTests {
    static func application(_ service: BackupService) throws -> some ApplicationProtocol {
        let router = Router()
        BackupRoutes(service: service).add(to: router)
        // Routes that clash would stop a debug build of the scheduler when it starts.
        try router.validate()
        return Application(router: router)
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    }

    static func errorMessage(_ buffer: ByteBuffer) -> String? {
        (try? json(buffer) as? [String: Any])?["error"] as? String
    }

    @Test(
        "POST takes a backup; GET lists it, downloads it and its manifest; bad IDs get 400 and 404 JSON"
    )
    func endpoints() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                try await writeKeys(
                    count: 40, valueBytes: 2_000, prefix: "http/", to: cluster.members[0].clientURL)
                let service = try makeService(directory: backups, cluster: cluster)
                try await Self.application(service).test(.router) { client in
                    let manifest = try await client.execute(uri: "/backups", method: .post) {
                        response in
                        #expect(response.status == .created)
                        #expect(response.headers[.contentType] == "application/json")
                        let manifest = try BackupManifest.decode(
                            Data(response.body.readableBytesView))
                        #expect(response.headers[.location] == "/backups/\(manifest.id)")
                        return manifest
                    }
                    try await client.execute(uri: "/backups", method: .get) { response in
                        #expect(response.status == .ok)
                        let list = try #require(try Self.json(response.body) as? [[String: Any]])
                        #expect(list.map { $0["id"] as? String } == [manifest.id])
                        #expect(list.first?["archive_sha256"] as? String == manifest.archiveSHA256)
                    }
                    try await client.execute(uri: "/backups/\(manifest.id)", method: .get) {
                        response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "application/zstd")
                        #expect(response.headers[.contentLength] == "\(manifest.archiveSize!)")
                        #expect(
                            response.headers[.contentDisposition]?.contains(
                                manifest.archiveFileName) == true)
                        let file = try Data(
                            contentsOf: URL(
                                fileURLWithPath: "\(backups)/\(manifest.archiveFileName)"))
                        #expect(Data(response.body.readableBytesView) == file)
                    }
                    try await client.execute(uri: "/backups/\(manifest.id)/manifest", method: .get)
                    { response in
                        #expect(response.status == .ok)
                        let decoded = try BackupManifest.decode(
                            Data(response.body.readableBytesView))
                        #expect(decoded == manifest)
                    }
                    let unknown = "/backups/test-cluster-20200101T000000Z-r1"
                    try await client.execute(uri: unknown, method: .get) { response in
                        #expect(response.status == .notFound)
                        #expect(Self.errorMessage(response.body)?.contains("no backup") == true)
                    }
                    try await client.execute(uri: unknown + "/manifest", method: .get) {
                        #expect($0.status == .notFound)
                        #expect(Self.errorMessage($0.body) != nil)
                    }
                    for trick in [
                        "/backups/..%2F..%2Fetc%2Fpasswd", "/backups/../../etc/passwd",
                        "/backups/.hidden",
                        "/backups/..", "/backups/%2e%2e/manifest", "/backups/a%5Cb",
                    ] {
                        try await client.execute(uri: trick, method: .get) { response in
                            #expect(response.status == .badRequest, "\(trick)")
                            #expect(Self.errorMessage(response.body) != nil, "\(trick)")
                        }
                    }
                }
            }
        }
    }

    @Test(
        "concurrent POST /backups: the second gets 409 naming the running backup; the first completes"
    )
    func concurrentPosts() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                try await writeKeys(
                    count: 40, valueBytes: 2_000, prefix: "http/", to: cluster.members[0].clientURL)
                let gate = FirstChunkGate()
                defer { gate.open() }
                let service = try makeService(
                    directory: backups, cluster: cluster, progress: gate.observer)
                try await Self.application(service).test(.router) { client in
                    async let first = client.execute(uri: "/backups", method: .post) { $0 }
                    let runningID = try await gate.firstChunkReached()
                    try await client.execute(uri: "/backups", method: .post) { response in
                        #expect(response.status == .conflict)
                        let body = try #require(try Self.json(response.body) as? [String: Any])
                        #expect((body["running"] as? [String: Any])?["id"] as? String == runningID)
                        #expect((body["error"] as? String)?.contains(runningID) == true)
                    }
                    gate.open()
                    let response = try await first
                    #expect(response.status == .created)
                    #expect(
                        try BackupManifest.decode(Data(response.body.readableBytesView)).id
                            == runningID)
                    try await client.execute(uri: "/backups", method: .get) { response in
                        let list = try Self.json(response.body) as? [Any]
                        #expect(list?.count == 1)
                    }
                }
            }
        }
    }

    @Test("POST /backups takes a manual backup: its manifest and sidecar say so")
    func manualTrigger() async throws {
        try await withBackupDirectory { backups, _ in
            try await withEtcdCluster(members: 1) { cluster in
                let service = try makeService(directory: backups, cluster: cluster)
                try await Self.application(service).test(.router) { client in
                    try await client.execute(uri: "/backups", method: .post) { response in
                        #expect(response.status == .created)
                        let manifest = try BackupManifest.decode(
                            Data(response.body.readableBytesView))
                        #expect(manifest.trigger == .manual)
                        #expect(
                            try service.store.entry(id: manifest.id).manifest.trigger == .manual)
                    }
                }
            }
        }
    }
}

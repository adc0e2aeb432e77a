import EtcdMesosTesting
import Foundation
import Testing
import ZooKeeper

@Suite("ZooKeeper nodes against a real server")
struct ZooKeeperNodeTests {
    @Test("create, get, set, exists, children and delete round-trip")
    func roundTrip() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                #expect(try await zk.create("/app", data: Data("v1")) == "/app")
                let (data, stat) = try await zk.get("/app")
                #expect(String(decoding: data, as: UTF8.self) == "v1")
                #expect(stat.version == 0)
                #expect(stat.dataLength == 2)
                #expect(!stat.isEphemeral)

                let updated = try await zk.set("/app", data: Data("v2"))
                #expect(updated.version == 1)
                #expect(String(decoding: try await zk.get("/app").data, as: UTF8.self) == "v2")

                try await zk.create("/app/b")
                try await zk.create("/app/a", data: Data())
                #expect(try await zk.children("/app") == ["a", "b"])
                #expect(try await zk.exists("/app")?.numChildren == 2)
                #expect(try await zk.get("/app/a").data.isEmpty)

                await #expect(throws: ZooKeeperError.nodeExists(path: "/app/a")) {
                    try await zk.create("/app/a")
                }
                await #expect(throws: ZooKeeperError.notEmpty(path: "/app")) {
                    try await zk.delete("/app")
                }
                await #expect(throws: ZooKeeperError.noNode(path: "/missing/child")) {
                    try await zk.create("/missing/child")
                }

                try await zk.delete("/app/a")
                #expect(try await zk.exists("/app/a") == nil)
                await #expect(throws: ZooKeeperError.noNode(path: "/app/a")) {
                    try await zk.get("/app/a")
                }
                #expect(try await zk.children("/app") == ["b"])
            }
        }
    }

    @Test("sequential nodes get increasing 10-digit suffixes")
    func sequentialNodes() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/queue")
                var created: [String] = []
                for _ in 0..<3 {
                    created.append(try await zk.create("/queue/item-", mode: .persistentSequential))
                }
                #expect(
                    created == [
                        "/queue/item-0000000000", "/queue/item-0000000001",
                        "/queue/item-0000000002",
                    ])
                let ephemeral = try await zk.create("/queue/", mode: .ephemeralSequential)
                #expect(ephemeral == "/queue/0000000003")
                #expect(try await zk.children("/queue").count == 4)
            }
        }
    }

    @Test("createParents makes every missing ancestor and the node, and tolerates existing ones")
    func createParents() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/a", data: Data("keep"))
                try await zk.createParents("/a/b/c")
                #expect(try await zk.exists("/a/b/c") != nil)
                #expect(String(decoding: try await zk.get("/a").data, as: UTF8.self) == "keep")
                try await zk.createParents("/a/b/c")
            }
        }
    }

    @Test("a chroot in the connect string scopes every path")
    func chroot() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { root in
                try await root.createParents("/tenant/app")
                try await withClient(server.connectString + "/tenant/app") {
                    (scoped: ZooKeeperClient) async throws in
                    #expect(try await scoped.create("/state", data: Data("x")) == "/state")
                    #expect(
                        try await scoped.create("/state/n-", mode: .persistentSequential)
                            == "/state/n-0000000000")
                    #expect(try await scoped.children("/") == ["state"])
                }
                #expect(
                    String(decoding: try await root.get("/tenant/app/state").data, as: UTF8.self)
                        == "x")
                #expect(try await root.children("/tenant/app/state") == ["n-0000000000"])
            }
        }
    }

    @Test("set with a stale expected version fails with badVersion and leaves the data unchanged")
    func compareAndSet() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/cas", data: Data("first"))
                let read = try await zk.get("/cas").stat
                let written = try await zk.set(
                    "/cas", data: Data("second"), expectedVersion: read.version)
                #expect(written.version == read.version + 1)

                await #expect(
                    throws: ZooKeeperError.badVersion(path: "/cas", expected: read.version)
                ) {
                    try await zk.set(
                        "/cas", data: Data("lost update"), expectedVersion: read.version)
                }
                let (data, stat) = try await zk.get("/cas")
                #expect(String(decoding: data, as: UTF8.self) == "second")
                #expect(stat.version == written.version)

                await #expect(
                    throws: ZooKeeperError.badVersion(path: "/cas", expected: read.version)
                ) {
                    try await zk.delete("/cas", expectedVersion: read.version)
                }
                try await zk.delete("/cas", expectedVersion: written.version)
                #expect(try await zk.exists("/cas") == nil)
            }
        }
    }

    @Test("an ephemeral node vanishes when its session closes, as another client sees")
    func ephemeralNodeEndsWithSession() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { observer in
                let owner = try await connectQuietly(server.connectString)
                try await owner.create("/leader", data: Data("me"), mode: .ephemeral)
                let (stat, watch) = try await observer.existsAndWatch("/leader")
                #expect(stat?.ephemeralOwner == owner.sessionID)
                #expect(owner.sessionID != observer.sessionID)

                await owner.close()
                let event = try await within(.seconds(5), "deletion of /leader") {
                    try await watch.event()
                }
                #expect(event == ZooKeeperWatchEvent(kind: .deleted, path: "/leader"))
                #expect(try await observer.exists("/leader") == nil)
            }
        }
    }

    @Test("paths that ZooKeeper would reject fail with invalidPath before reaching the server")
    func invalidPaths() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                for path in [
                    "relative/path", "", "/trailing/", "/double//slash", "/dot/./x", "/dotdot/..",
                ] {
                    let error = await #expect(throws: ZooKeeperError.self) {
                        try await zk.create(path)
                    }
                    guard case .invalidPath(let reported, let reason) = error else {
                        Issue.record(
                            "\(path): expected invalidPath, got \(String(describing: error))")
                        continue
                    }
                    #expect(reported == path)
                    #expect(String(describing: error).contains("invalid ZooKeeper path"))
                    #expect(!reason.isEmpty)
                }
                let relative = ZooKeeperError.invalidPath(
                    path: "x", reason: "must be absolute (start with \"/\")")
                await #expect(throws: relative) { try await zk.get("x") }
                // A trailing slash is fine when the server appends a sequence number.
                try await zk.create("/seq")
                #expect(
                    try await zk.create("/seq/", mode: .persistentSequential) == "/seq/0000000000")
            }
        }
    }
}

import EtcdMesosTesting
import Foundation
import Testing
import ZooKeeper

@Suite("ZooKeeper client under concurrent use")
struct ZooKeeperConcurrencyTests {
    @Test("many tasks can share one client")
    func concurrentRequests() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/many")
                let created = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            try await zk.create("/many/n\(index)", data: Data("\(index)"))
                        }
                    }
                    var created = Set<String>()
                    for try await path in group { created.insert(path) }
                    return created
                }
                #expect(created.count == 200)
                #expect(try await zk.children("/many").count == 200)
                #expect(String(decoding: try await zk.get("/many/n42").data, as: UTF8.self) == "42")
            }
        }
    }

    @Test("closing while requests are in flight fails them with closed and leaves none waiting")
    func closeWithRequestsInFlight() async throws {
        try await withZooKeeperServer { server in
            let zk = try await connectQuietly(server.connectString)
            try await zk.create("/busy", data: Data("x"))
            let requests = Task {
                await withTaskGroup(of: ZooKeeperError?.self) { group in
                    for _ in 0..<300 {
                        group.addTask {
                            do {
                                _ = try await zk.get("/busy")
                                return nil
                            } catch {
                                return error as? ZooKeeperError
                                    ?? .other(code: 0, operation: "\(error)", path: "")
                            }
                        }
                    }
                    var failures: [ZooKeeperError] = []
                    for await failure in group { if let failure { failures.append(failure) } }
                    return failures
                }
            }
            await zk.close()
            let failures = try await within(.seconds(10), "every request to finish") {
                await requests.value
            }
            #expect(failures.allSatisfy { $0 == .closed }, "\(Set(failures.map(\.description)))")
        }
    }
}

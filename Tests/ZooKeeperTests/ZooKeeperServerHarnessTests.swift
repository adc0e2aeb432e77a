import EtcdMesosTesting
import Foundation
import Testing

@Suite("withZooKeeperServer")
struct ZooKeeperServerHarnessTests {
    struct BodyFailed: Error {}

    @Test("the server is stopped and its directory removed when the body throws")
    func cleansUpWhenBodyThrows() async throws {
        var seen: ZooKeeperServer?
        do {
            try await withZooKeeperServer { server in
                seen = server
                #expect(await server.fourLetterWord("ruok") == "imok")
                #expect(FileManager.default.fileExists(atPath: server.logPath))
                throw BodyFailed()
            }
            Issue.record("the body's error was swallowed")
        } catch is BodyFailed {}
        let server = try #require(seen)
        #expect(!server.isRunning)
        #expect(await server.fourLetterWord("srvr") == nil)
        #expect(!FileManager.default.fileExists(atPath: server.directory))
    }
}

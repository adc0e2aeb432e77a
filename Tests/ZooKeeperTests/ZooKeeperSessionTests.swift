import EtcdMesosTesting
import Foundation
import Testing
import ZooKeeper

@Suite("ZooKeeper sessions")
struct ZooKeeperSessionTests {
    @Test(
        "connecting where no server listens fails with connectTimedOut naming the address, in time")
    func connectToDeadServer() async throws {
        let address = "127.0.0.1:\(try FreePort.allocate())"
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: ZooKeeperError.self) {
            try await connectQuietly(address, connectTimeout: .seconds(2))
        }
        let elapsed = clock.now - started
        #expect(error == .connectTimedOut(connectString: address, after: .seconds(2)))
        #expect(elapsed >= .seconds(2))
        // A hang is what this guards against; the bound is generous because CI runs every suite
        // at once on two cores, and under extra load the whole test process was seen stalled for 45 s.
        #expect(elapsed < .seconds(90))
        #expect(String(describing: error).contains(address))
    }

    @Test(
        "malformed connect strings are rejected with a message",
        arguments: [
            "", "localhost", "localhost:notaport", "localhost:70000", ":2181",
            "127.0.0.1:2181/bad//chroot",
            "127.0.0.1:2181/trailing/",
        ])
    func invalidConnectStrings(connectString: String) async throws {
        let error = await #expect(throws: ZooKeeperError.self) {
            try await connectQuietly(connectString, connectTimeout: .seconds(1))
        }
        guard case .invalidConnectString(let message) = error else {
            Issue.record("expected invalidConnectString, got \(String(describing: error))")
            return
        }
        #expect(message.contains("\"\(connectString)\""))
    }

    @Test("a connect string whose hosts cannot be resolved fails at once, naming them")
    func unresolvableHosts() async throws {
        let error = await #expect(throws: ZooKeeperError.self) {
            try await connectQuietly("no-such-host.invalid:2181", connectTimeout: .seconds(5))
        }
        #expect(String(describing: error).contains("no-such-host.invalid:2181"))
        #expect(String(describing: error).contains("resolved"))
    }

    @Test("a connect string parses into servers and chroot")
    func connectStringParsing() throws {
        let parsed = try ZooKeeperConnectString(parsing: "zk1:2181, zk2:2182/mesos/etcd")
        #expect(parsed.servers == [.init(host: "zk1", port: 2181), .init(host: "zk2", port: 2182)])
        #expect(parsed.chroot == "/mesos/etcd")
        #expect(parsed.description == "zk1:2181,zk2:2182/mesos/etcd")
        #expect(try ZooKeeperConnectString(parsing: "127.0.0.1:2181/").chroot == nil)
    }

    @Test("closing yields .closed, finishes the stream, and later calls fail with closed")
    func closeEndsSession() async throws {
        try await withZooKeeperServer { server in
            let zk = try await connectQuietly(server.connectString)
            #expect(zk.sessionID != 0)
            let recorder = SessionEventRecorder(zk.sessionEvents)
            await zk.close()
            try await eventually(timeout: .seconds(30), "the session stream to finish") {
                recorder.streamFinished
            }
            #expect(recorder.events == [.closed])
            await #expect(throws: ZooKeeperError.closed) { try await zk.exists("/") }
            await zk.close()  // a second close is harmless

            var late: [ZooKeeperSessionEvent] = []
            for await event in zk.sessionEvents { late.append(event) }
            #expect(late == [.closed])
        }
    }

    @Test(
        "stopping the server suspends the session; restarting it in time reconnects the same session"
    )
    func sessionSurvivesServerRestart() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/mine", mode: .ephemeral)
                let sessionID = zk.sessionID
                let recorder = SessionEventRecorder(zk.sessionEvents)

                await server.stop()
                try await eventually(timeout: .seconds(30), ".suspended after the server stopped") {
                    recorder.events.contains(.suspended)
                }
                await #expect(throws: ZooKeeperError.connectionLoss) {
                    try await zk.exists("/mine")
                }

                try await server.start()
                // Usually 0.1 s. A client that knocks while the server is still loading its data hits a ZooKeeper
                // 3.8.0 bug (NullPointerException in removeCnxn, the socket is left open) and waits 2/3 of its
                // session timeout before trying again; the session survives that.
                try await eventually(timeout: .seconds(15), ".connected after the server restarted")
                {
                    recorder.events.last == .connected
                }
                #expect(recorder.events == [.suspended, .connected])
                #expect(zk.sessionID == sessionID)
                #expect(try await zk.exists("/mine")?.ephemeralOwner == sessionID)
            }
        }
    }

    @Test(
        "when the server ends the session the client reports .expired, ends watches and fails requests"
    )
    func sessionExpiry() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { observer in
                // The shortest session the server allows (2 ticks): if this client wins the session back just
                // before it is closed, it notices only when its connection times out (2/3 of the session timeout).
                let zk = try await connectQuietly(server.connectString, sessionTimeout: .seconds(4))
                try await zk.create("/owned", mode: .ephemeral)
                let (_, _, watch) = try await zk.getAndWatch("/owned")
                let recorder = SessionEventRecorder(zk.sessionEvents)
                let credentials = try #require(zk.sessionCredentials)
                #expect(credentials.sessionID == zk.sessionID)

                // As Curator's KillSession does: take the session over from a second client and close it there.
                // If the first client wins the session back before the close, the next round ends it.
                try await eventually(
                    timeout: .seconds(30), poll: .milliseconds(500), "the session to expire"
                ) {
                    if recorder.events.contains(.expired) { return true }
                    let thief = try await connectQuietly(
                        server.connectString, resuming: credentials)
                    #expect(thief.sessionID == credentials.sessionID)
                    await thief.close()
                    return false
                }
                #expect(recorder.events.first == .suspended)
                #expect(recorder.events.last == .expired)
                // The watch ends either way: with the deletion if this client held the session when it was
                // closed, otherwise with sessionLost.
                let event = try await within(.seconds(5), "the watch to end") {
                    try await watch.event()
                }
                #expect(event.kind == .sessionLost || event.kind == .deleted, "\(event)")
                await #expect(throws: ZooKeeperError.sessionExpired) {
                    try await zk.exists("/owned")
                }
                await #expect(throws: ZooKeeperError.sessionExpired) {
                    try await zk.existsAndWatch("/owned")
                }
                #expect(try await observer.exists("/owned") == nil)

                var late = zk.sessionEvents.makeAsyncIterator()
                #expect(await late.next() == .expired)
                await zk.close()
                #expect(await late.next() == .closed)
                #expect(await late.next() == nil)
                await #expect(throws: ZooKeeperError.sessionExpired) {
                    try await connectQuietly(server.connectString, resuming: credentials)
                }
            }
        }
    }
}

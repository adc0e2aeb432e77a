import EtcdMesosTesting
import Foundation
import Testing
import ZooKeeper

@Suite("ZooKeeper watches against a real server")
struct ZooKeeperWatchTests {
    @Test("a data watch fires once on the next change, then finishes")
    func dataWatchIsOneShot() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/config", data: Data("a"))
                let (data, _, watch) = try await zk.getAndWatch("/config")
                #expect(String(decoding: data, as: UTF8.self) == "a")
                #expect(watch.firedEvent == nil)

                try await zk.set("/config", data: Data("b"))
                try await zk.set("/config", data: Data("c"))
                let events = try await within(.seconds(5), "the data watch") {
                    var all: [ZooKeeperWatchEvent] = []
                    for try await event in watch { all.append(event) }
                    return all
                }
                #expect(events == [ZooKeeperWatchEvent(kind: .dataChanged, path: "/config")])

                // A new watch sees the next change only.
                let (latest, _, again) = try await zk.getAndWatch("/config")
                #expect(String(decoding: latest, as: UTF8.self) == "c")
                try await zk.delete("/config")
                let next = try await within(.seconds(5), "the second data watch") {
                    try await again.event()
                }
                #expect(next == ZooKeeperWatchEvent(kind: .deleted, path: "/config"))
            }
        }
    }

    @Test("a children watch fires once when a child is added")
    func childrenWatchIsOneShot() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/members")
                let (children, watch) = try await zk.childrenAndWatch("/members")
                #expect(children.isEmpty)

                try await zk.create("/members/m1")
                try await zk.create("/members/m2")
                let events = try await within(.seconds(5), "the children watch") {
                    var all: [ZooKeeperWatchEvent] = []
                    for try await event in watch { all.append(event) }
                    return all
                }
                #expect(events == [ZooKeeperWatchEvent(kind: .childrenChanged, path: "/members")])
                #expect(try await zk.children("/members") == ["m1", "m2"])
                // Changing a child's data is not a children change; the watch stays finished either way.
                try await zk.set("/members/m1", data: Data("x"))
                #expect(
                    watch.firedEvent
                        == ZooKeeperWatchEvent(kind: .childrenChanged, path: "/members"))
            }
        }
    }

    @Test(
        "an exists watch on a missing node fires when the node is created; a failed get sets no watch"
    )
    func existsWatchOnMissingNode() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                let (stat, watch) = try await zk.existsAndWatch("/later")
                #expect(stat == nil)
                await #expect(throws: ZooKeeperError.noNode(path: "/later")) {
                    try await zk.getAndWatch("/later")
                }

                try await zk.create("/later", data: Data("here"))
                let event = try await within(.seconds(5), "the exists watch") {
                    try await watch.event()
                }
                #expect(event == ZooKeeperWatchEvent(kind: .created, path: "/later"))
            }
        }
    }

    @Test("closing the client ends pending watches with sessionLost")
    func closeEndsWatches() async throws {
        try await withZooKeeperServer { server in
            let zk = try await connectQuietly(server.connectString)
            try await zk.create("/quiet")
            let (_, _, watch) = try await zk.getAndWatch("/quiet")
            let waiting = Task { try await watch.event() }
            await zk.close()
            let event = try await within(.seconds(5), "the watch to end") {
                try await waiting.value
            }
            #expect(event == ZooKeeperWatchEvent(kind: .sessionLost, path: "/quiet"))
            await #expect(throws: ZooKeeperError.closed) { try await zk.getAndWatch("/quiet") }
        }
    }

    @Test("waiting for a watch can be cancelled")
    func waitingIsCancellable() async throws {
        try await withZooKeeperServer { server in
            try await withClient(server.connectString) { zk in
                try await zk.create("/still")
                let (_, watch) = try await zk.existsAndWatch("/still")
                let waiting = Task { try await watch.event() }
                waiting.cancel()
                await #expect(throws: CancellationError.self) { try await waiting.value }
            }
        }
    }
}

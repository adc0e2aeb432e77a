import EtcdMesosTesting
import Foundation
import LocalMesos
import Synchronization
import Testing

/// Offers as real Mesos makes them: a plain task may use only unreserved, non-revocable resources on the
/// agent's root disk; the scheduler must count nothing else, or its launch fails on a real master.
@Suite("End to end: offers with disks and reservations", .serialized)
struct RealOfferTests {
    /// The agent whose only disk is a MOUNT disk (declared in Mesos' --resources JSON) gets no member: the
    /// three members land on the three agents with a root disk.
    @Test func anAgentWhoseOnlyDiskIsAMountDiskGetsNoMember() async throws {
        let mountOnly = #"""
            [{"name":"disk","type":"SCALAR","scalar":{"value":8192},
              "disk":{"source":{"type":"MOUNT","mount":{"root":"/mnt/disk1"}}}}]
            """#
        let firstHost = Mutex<String?>(nil)
        try await TestMesos.withCluster(
            agents: 4,
            customizeAgent: { agent in
                let isFirst = firstHost.withLock { host in
                    if host == nil { host = agent.hostname }
                    return host == agent.hostname
                }
                if isFirst { agent.resources = mountOnly }
            }
        ) { mesos in
            let mountHost = try #require(firstHost.withLock { $0 })
            let directory = try TemporaryDirectory(prefix: "e2e-mount-disk")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"),
                extra: ["-chill=1s"])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 3, timeout: .seconds(120), "3 healthy members")
                let hosts = try await scheduler.members().compactMap { $0["host"] as? String }
                #expect(hosts.count == 3)
                #expect(!hosts.contains(mountHost), "a member was placed on \(mountHost): \(hosts)")
            }
        }
    }
}

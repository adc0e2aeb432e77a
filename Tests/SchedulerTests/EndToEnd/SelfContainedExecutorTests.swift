import EtcdMesosTesting
import Foundation
import LocalMesos
import ProcessControl
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Agents have no Swift toolchain. The executor links the Swift runtime and Foundation statically and needs only
/// shared libraries every stock Linux agent has; on an agent where the toolchain is hidden it still runs etcd.
@Suite("End to end: the executor on an agent without Swift", .serialized)
struct SelfContainedExecutorTests {
    /// Shared libraries any Debian 12, Ubuntu 22.04 or CentOS Stream 9 host has (glibc, the GCC runtime, zlib,
    /// zstd — a dependency of their package managers).
    private static let stockLibraries: Set<String> = [
        "linux-vdso.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
        "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libzstd.so.1",
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
    ]

    /// Where the Swift runtime comes from (the scheduler is linked against it):
    /// `<root>/usr/lib/swift/linux/libswiftCore.so`.
    private static func toolchainRoot() async throws -> String {
        let scheduler = try await sharedLibraries(
            of: try BuildProducts.executable("etcd-mesos-scheduler"))
        let library = try #require(
            scheduler.first { $0.name == "libswiftCore.so" }?.path,
            "the scheduler does not link libswiftCore.so")
        let suffix = "/usr/lib/swift/linux/libswiftCore.so"
        try #require(library.hasSuffix(suffix), "unexpected runtime location \(library)")
        return String(library.dropLast(suffix.count))
    }

    /// The shared libraries `binary` needs, as the dynamic loader resolves them (`ldd`).
    private static func sharedLibraries(of binary: String) async throws -> [(
        name: String, path: String
    )] {
        let directory = try TemporaryDirectory(prefix: "ldd")
        defer { directory.remove() }
        let output = directory.appending("ldd.txt")
        let process = try ChildProcess.launch(
            executable: "/usr/bin/ldd", arguments: [binary], environment: ["PATH": "/usr/bin:/bin"],
            outputPath: output)
        #expect(await process.waitForExit() == .exited(0))
        return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            line in
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            let name = URL(fileURLWithPath: fields[0]).lastPathComponent
            return (name, fields.count >= 3 && fields[1] == "=>" ? fields[2] : fields[0])
        }
    }

    @Test func theExecutorNeedsOnlyLibrariesEveryLinuxAgentHas() async throws {
        let executor = try BuildProducts.executable("etcd-mesos-executor")
        let libraries = try await Self.sharedLibraries(of: executor)
        let unexpected = libraries.filter { !Self.stockLibraries.contains($0.name) }
        #expect(unexpected.isEmpty, "the executor needs \(unexpected.map(\.name))")
        // The scheduler is linked against the toolchain (toolchainRoot requires it): not vacuous.
        let root = try await Self.toolchainRoot()
        #expect(!libraries.contains { $0.path.hasPrefix(root + "/") })
    }

    /// Every agent hides the toolchain from its executors; a one-member cluster still comes up healthy and
    /// takes writes, and the member's process really runs where the toolchain is absent.
    @Test(.enabled(if: geteuid() == 0, "a mount namespace needs root"))
    func theExecutorRunsEtcdWhereTheToolchainIsHidden() async throws {
        let root = try await Self.toolchainRoot()
        #expect(try !FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        try await TestMesos.withCluster(agents: 1, customizeAgent: { $0.hiddenPaths = [root] }) {
            mesos in
            let directory = try TemporaryDirectory(prefix: "e2e-no-swift")
            defer { directory.remove() }
            let arguments = try schedulerArguments(
                master: mesos.url, stateFile: directory.appending("state.json"), clusterSize: 1,
                extra: ["-chill=1s"])
            try await SchedulerProcess.with(
                arguments: arguments, adminPort: try FreePort.allocate(),
                logPath: directory.appending("scheduler.log")
            ) { scheduler in
                try await waitForHealthyCluster(
                    scheduler, size: 1, timeout: .seconds(90), "1 healthy member")
                let endpoint = try #require(try await scheduler.runningClientURLs().first)
                try await writeKeys(10, prefix: "no-swift/", via: endpoint)
                #expect(try await countKeys(prefix: "no-swift/", via: endpoint) == 10)
                let sandboxRoot = await mesos.agents[0].configuration.workDirectory
                let executors = Self.processes(named: "etcd-mesos-executor", under: sandboxRoot)
                #expect(!executors.isEmpty, "no executor process runs under \(sandboxRoot)")
                for pid in executors {
                    // /proc/PID/root is the process's own view of the file system.
                    let seen = try FileManager.default.contentsOfDirectory(
                        atPath: "/proc/\(pid)/root\(root)")
                    #expect(seen.isEmpty, "executor \(pid) sees \(seen) in \(root)")
                }
            }
        }
    }

    /// Processes whose executable is named `name` and whose working directory is under `directory`.
    private static func processes(named name: String, under directory: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            let executable = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/\(pid)/exe")
            let directoryLink = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/\(pid)/cwd")
            return executable.map { URL(fileURLWithPath: $0).lastPathComponent == name } == true
                && directoryLink?.hasPrefix(directory) == true
        }
    }
}

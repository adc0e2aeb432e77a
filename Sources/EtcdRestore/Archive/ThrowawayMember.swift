import EtcdClient
import Foundation
import Logging
import ProcessControl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-member etcd restored from a snapshot into a scratch directory and started on free loopback ports, to
/// count the live keys and prove that the backup restores. It is stopped on every path out.
struct ThrowawayMember {
    /// What the member served.
    struct Census: Sendable {
        var liveKeys: Int64
        var revision: Int64
    }

    var tool: SnapshotTool
    /// `etcd` from `--etcd-bin-dir`, beside the tool, or on `PATH`.
    var etcd: String

    static func locateEtcd(beside tool: SnapshotTool) throws(RestoreFailure) -> String {
        let sibling = URL(fileURLWithPath: tool.path).deletingLastPathComponent()
            .appendingPathComponent("etcd").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        if let found = ChildProcess.findExecutable("etcd") { return found }
        throw .toolMissing(searched: [sibling, "PATH (etcd)"])
    }

    /// The census of `database`, which `ArchiveCheck` extracted and checked (`report`): restored on a throwaway
    /// member of `report`'s tool and the etcd beside it, in the database's own scratch directory.
    static func census(ofChecked database: String, report: ArchiveReport)
        async throws(RestoreFailure) -> Census
    {
        let member = ThrowawayMember(tool: report.tool, etcd: try locateEtcd(beside: report.tool))
        let scratch = ScratchDirectory(
            existing: URL(fileURLWithPath: database).deletingLastPathComponent().path)
        return try await member.census(of: database, in: scratch)
    }

    func census(of snapshot: String, in scratch: ScratchDirectory) async throws(RestoreFailure)
        -> Census
    {
        let clientURL = "http://127.0.0.1:\(try LoopbackPort.allocate())"
        let peerURL = "http://127.0.0.1:\(try LoopbackPort.allocate())"
        let dataDir = scratch.appending("throwaway.etcd")
        let member = RestoreMemberSettings(
            name: "throwaway", initialCluster: "throwaway=\(peerURL)",
            initialAdvertisePeerURLs: peerURL,
            initialClusterToken: "etcd-mesos-restore-census-\(getpid())")
        try await tool.restore(snapshot: snapshot, member: member, dataDir: dataDir)
        let logPath = scratch.appending("throwaway.log")
        let child: ChildProcess
        do {
            child = try ChildProcess.launch(
                executable: etcd,
                arguments: [
                    "--name", member.name, "--data-dir", dataDir, "--listen-client-urls", clientURL,
                    "--advertise-client-urls", clientURL, "--listen-peer-urls", peerURL,
                    "--initial-advertise-peer-urls", peerURL, "--initial-cluster",
                    member.initialCluster,
                ],
                environment: ToolRun.environment, outputPath: logPath)
        } catch {
            throw .toolFailed(command: etcd, status: "could not start", output: "\(error)")
        }
        do throws(RestoreFailure) {
            let census = try await waitForCensus(
                clientURL: clientURL, child: child, logPath: logPath)
            await child.terminate(gracePeriod: .seconds(5))
            return census
        } catch {
            await child.terminate(gracePeriod: .seconds(5))
            throw error
        }
    }

    /// Polls the member until it answers a count of every key, or fails when etcd exits or 60 s pass.
    private func waitForCensus(clientURL: String, child: ChildProcess, logPath: String)
        async throws(RestoreFailure)
        -> Census
    {
        var logger = Logger(label: "etcd-mesos-restore")
        logger.logLevel = .critical
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        var lastError = "no answer yet"
        while true {
            if Task.isCancelled { throw .interrupted }
            if let status = child.exitStatus {
                throw .toolFailed(
                    command: "\(etcd) (throwaway member)", status: status.description,
                    output: Self.log(logPath))
            }
            do {
                let (_, count, revision) = try await EtcdClient.withClient(
                    endpoint: clientURL, callTimeout: .seconds(2), logger: logger
                ) { client in try await client.range([0], end: [0], limit: 1) }
                return Census(liveKeys: count, revision: revision)
            } catch {
                lastError = "\(error)"
            }
            guard clock.now < deadline else {
                throw .toolFailed(
                    command: "\(etcd) (throwaway member)",
                    status: "did not serve within 60s (\(lastError))",
                    output: Self.log(logPath))
            }
            do { try await Task.sleep(for: .milliseconds(100)) } catch { throw .interrupted }
        }
    }

    private static func log(_ path: String) -> String {
        ToolRun.tail((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }
}

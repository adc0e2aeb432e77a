import Foundation
import MesosAPI
import Reconciler
import TaskContract

/// Builds the `TaskInfo` that runs one etcd member under our executor (docs/original-behaviour.md §3.2, in v1 form).
///
/// The agent fetches the executor and etcd binaries from the scheduler's artifact server
/// (`CommandInfo.uris`), so agents need nothing installed.
struct MemberTaskBuilder: Sendable {
    var frameworkName: String
    /// Where the artifact server and the admin API (backup downloads) listen; known before any launch.
    var urls: ServedURLs
    /// File names served by the artifact server: the executor first, then etcd and its tools.
    var executorFileName: String
    var etcdFileName: String
    var toolFileNames: [String]
    /// Signs the download URL of a backup to restore; without it the URL is the plain `/backups/<id>`, which the
    /// admin API answers only with the admin token.
    var downloads: BackupDownloadGrants? = nil
    /// Gives each task its executor's secret (`reseedSecret` in the task data); without it tasks carry none and
    /// their executors accept no reseed.
    var secrets: ExecutorSecrets? = nil

    /// Where an executor fetches a backup instead of the scheduler: the object store.
    struct StoreDownload: Sendable, Equatable {
        /// A presigned URL, valid for a short while.
        var url: String
        /// How to open the object when it is encrypted (the archive's own key).
        var encryption: EtcdTaskData.RestoreSource.Encryption?
    }

    /// The task for `launch`; a restore names the backup's archive SHA-256 and sizes from its sidecar, without
    /// which the executor refuses to restore, and is fetched from `storeDownload` when given, else from the
    /// scheduler's admin API.
    func taskInfo(
        for launch: MemberLaunch, restoreSHA256: String?, archiveSize: UInt64? = nil,
        databaseSize: UInt64? = nil, storeDownload: StoreDownload? = nil
    ) throws -> MesosAPI.TaskInfo {
        let member = launch.member
        let peers = launch.initialCluster.dropFirst().map { entry in
            Self.peerMember(entry)
        }
        let data = EtcdTaskData(
            member: EtcdTaskData.Member(
                name: member.name, host: member.host, rpcPort: member.peerPort,
                clientPort: member.clientPort,
                httpPort: member.reseedPort, type: launch.initialClusterState.rawValue,
                slaveID: launch.agentID.rawValue),
            peers: peers,
            initialClusterState: launch.initialClusterState.rawValue,
            clusterToken: Self.clusterToken(
                frameworkName: frameworkName, epoch: launch.clusterEpoch),
            restore: launch.restoreFromBackup.map {
                EtcdTaskData.RestoreSource(
                    url: storeDownload?.url
                        ?? urls.admin + (downloads?.signedPath(backupID: $0) ?? "/backups/\($0)"),
                    archiveSHA256: restoreSHA256 ?? "", archiveSize: archiveSize,
                    databaseSize: databaseSize, encryption: storeDownload?.encryption)
            },
            reseedSecret: secrets?.secret(for: launch.taskID))
        let ports = [member.peerPort, member.clientPort, member.reseedPort].sorted()
        let executor = ExecutorInfo(
            type: .custom,
            executorID: ExecutorID(member.name),
            command: CommandInfo(
                value: "./\(executorFileName)",
                arguments: ["./\(executorFileName)", "-log_dir=./", "-etcd-bin=./\(etcdFileName)"],
                shell: false,
                uris: ([executorFileName, etcdFileName] + toolFileNames).map {
                    CommandInfo.URI(
                        value: "\(urls.artifact)/\($0)", executable: true, extract: false)
                }),
            resources: [
                .scalar("cpus", launch.executorResources.cpus),
                .scalar("mem", launch.executorResources.memoryMB),
            ]
                + (launch.executorResources.diskMB > 0
                    ? [.scalar("disk", launch.executorResources.diskMB)] : []),
            name: "etcd",
            source: frameworkName)
        return MesosAPI.TaskInfo(
            name: "etcd-server",
            taskID: MesosTranslation.taskID(launch.taskID),
            agentID: MesosTranslation.agentID(launch.agentID),
            resources: [
                .scalar("cpus", launch.resources.cpus),
                .scalar("mem", launch.resources.memoryMB),
                .scalar("disk", launch.resources.diskMB),
                .ranges("ports", Self.ranges(of: ports)),
            ],
            executor: executor,
            data: try data.encoded(),
            discovery: DiscoveryInfo(
                visibility: .external, name: "etcd-server",
                ports: .init([
                    .init(number: UInt32(member.peerPort), name: "peer", protocol: "tcp"),
                    .init(number: UInt32(member.clientPort), name: "client", protocol: "tcp"),
                ])))
    }

    /// The `--initial-cluster-token` of an epoch: members of an older cluster cannot join a newer one.
    static func clusterToken(frameworkName: String, epoch: Int) -> String {
        "\(frameworkName)-epoch-\(epoch)"
    }

    /// A peer of `--initial-cluster`, as the task data's member object.
    private static func peerMember(_ entry: InitialClusterEntry) -> EtcdTaskData.Member {
        let url = URL(string: entry.peerURL)
        return EtcdTaskData.Member(
            name: entry.name, host: url?.host ?? "", rpcPort: url?.port ?? 0, clientPort: 0,
            httpPort: 0)
    }

    /// Sorted ports as the fewest ranges (consecutive ports merge).
    static func ranges(of ports: [Int]) -> [ClosedRange<UInt64>] {
        var result: [ClosedRange<UInt64>] = []
        for port in ports.sorted().map(UInt64.init) {
            if let last = result.last, last.upperBound + 1 == port {
                result[result.count - 1] = last.lowerBound...port
            } else if result.last?.contains(port) != true {
                result.append(port...port)
            }
        }
        return result
    }
}

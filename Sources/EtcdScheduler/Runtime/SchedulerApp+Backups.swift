import Backup
import Foundation

extension SchedulerApp {
    /// Periodic and on-demand backups of the members the reconciler runs.
    func makeBackupService(core: SchedulerCore) throws -> BackupService {
        let backup = settings.backup
        let configuration = BackupServiceConfiguration(
            directory: backup.directory, interval: backup.interval,
            retention: RetentionPolicy(
                keepNewest: backup.retention.keepNewest, keepWithin: backup.retention.keepWithin,
                keepManual: SchedulerDefaults.manualBackupsKept),
            compression: BackupCompression(level: backup.compressionLevel),
            toolVersion: "etcd-mesos-swift")
        let clusterName = settings.frameworkName
        // Each new good backup is persisted as the cluster's last good backup.
        return try BackupService(
            configuration: configuration, logger: logger,
            onSuccess: { core.submit(.backupCompleted(backupID: $0.id, revision: $0.revision)) }
        ) {
            let members = await core.members.filter { $0.state == .running }.map {
                BackupSourceCandidate(endpoint: $0.identity.clientURL, name: $0.identity.name)
            }
            return BackupTarget(
                clusterName: clusterName, clusterEpoch: await core.persistedState.clusterEpoch,
                members: members)
        }
    }
}

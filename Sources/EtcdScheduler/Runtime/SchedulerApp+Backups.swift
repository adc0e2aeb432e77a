import Backup
import EtcdRestore
import Foundation
import ObjectStore

extension SchedulerApp {
    /// Periodic and on-demand backups of the members the reconciler runs.
    /// The object store of `-backup-store`, with the backup directory as its staging cache; nil without one.
    func makeRemoteBackups() throws -> RemoteBackups? {
        guard let store = settings.backup.store else { return nil }
        let credentials = try store.credentials()
        let key = try store.encryptionKeyFile.map { try BackupEncryptionKey.load(file: $0) }
        logger.info(
            "backups are kept in an object store",
            metadata: [
                "store": "\(store.location)", "endpoint": "\(store.endpoint)",
                "access_key": "\(credentials.accessKeyID)",
                "encryption_key_id": "\(key?.id ?? "none: archives are stored unencrypted")",
            ])
        return RemoteBackups(
            location: store.location, endpoint: store.endpoint, region: store.region,
            credentials: credentials, cache: BackupStore(directory: settings.backup.directory),
            encryptionKey: key, logger: logger)
    }

    func makeBackupService(core: SchedulerCore, remote: RemoteBackups?) throws -> BackupService {
        let backup = settings.backup
        let configuration = BackupServiceConfiguration(
            directory: backup.directory, interval: backup.interval,
            retention: RetentionPolicy(
                keepNewest: backup.retention.keepNewest, keepWithin: backup.retention.keepWithin,
                keepManual: SchedulerDefaults.manualBackupsKept),
            compression: BackupCompression(level: backup.compressionLevel),
            toolVersion: "etcd-mesos-swift", drillInterval: backup.drillInterval)
        // Drills restore with the etcd tools the members use, in a scratch directory beside the backups.
        let drill = RestoreDrill(
            toolDirectory: (settings.binaries.etcdctl.path as NSString).deletingLastPathComponent,
            scratchParent: backup.directory)
        let clusterName = settings.frameworkName
        // Each new good backup is persisted as the cluster's last good backup.
        return try BackupService(
            configuration: configuration, logger: logger,
            onSuccess: { core.submit(.backupCompleted(backupID: $0.id, revision: $0.revision)) },
            remote: remote,
            drill: { path, manifest in await drill.run(archivePath: path, manifest: manifest) }
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

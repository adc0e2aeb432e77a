import Backup
import Foundation
import MesosAPI
import ObjectStore

extension SchedulerOptions {
    // The parts of `settings(…)` that take several flags together.

    func resolveAuthentication(_ absolute: (String) -> String)
        throws(SchedulerConfigurationError)
        -> MesosAuthentication?
    {
        let principal = mesos.authenticationPrincipal.flatMap { $0.isEmpty ? nil : $0 }
        let secretFile = mesos.authenticationSecretFile.flatMap { $0.isEmpty ? nil : $0 }.map(
            absolute)
        let provider =
            try nonEmpty(mesos.authenticationProvider, "mesos-authentication-provider")
            ?? SchedulerDefaults.authenticationProvider
        guard let principal else {
            if secretFile != nil {
                throw .conflict(
                    flags: ["mesos-authentication-secret-file", "mesos-authentication-principal"],
                    reason: "a secret needs a principal; give -mesos-authentication-principal too")
            }
            return nil
        }
        return MesosAuthentication(principal: principal, secretFile: secretFile, provider: provider)
    }

    func resolvePersistence(
        _ reader: inout FlagReader, isLocal: Bool, frameworkName: String, workDirectory: String,
        _ absolute: (String) -> String
    ) throws(SchedulerConfigurationError) -> PersistenceLocation {
        let zooKeeper = reader.lookup(files.zkFrameworkPersist, "zk-framework-persist").flatMap {
            $0.text.isEmpty ? nil : $0
        }
        let file = try nonEmpty(files.frameworkPersistFile, "framework-persist-file")
        switch (zooKeeper, file) {
        case (.some, .some):
            throw .conflict(
                flags: ["zk-framework-persist", "framework-persist-file"],
                reason: "give one place to persist the framework's state, not both")
        case (.some(let zooKeeper), nil):
            return .zooKeeper(
                try ZooKeeperPersistAddress(parsing: zooKeeper.text, origin: zooKeeper.origin))
        case (nil, .some(let file)):
            return .file(path: absolute(file))
        case (nil, nil):
            guard isLocal else {
                throw .missing(
                    flag: "zk-framework-persist",
                    reason:
                        "give zk://host:port[,host:port…]/chroot, or -framework-persist-file=PATH "
                        + "(a file is the default only with -master=local)")
            }
            return .file(path: workDirectory + "/\(frameworkName)-state.json")
        }
    }

    func resolveBackup(
        _ reader: inout FlagReader, workDirectory: String, _ absolute: (String) -> String
    )
        throws(SchedulerConfigurationError) -> BackupSettings
    {
        let directory =
            try nonEmpty(backups.backupDir, "backup-dir").map(absolute)
            ?? workDirectory + "/" + SchedulerDefaults.backupDirectoryName
        let interval = try reader.duration(
            backups.backupInterval, "backup-interval", default: SchedulerDefaults.backupInterval,
            allowZero: true)
        var retention = SchedulerDefaults.backupRetention
        if let text = backups.backupRetention {
            guard let parsed = BackupRetention(parsing: text) else {
                throw .invalidValue(
                    flag: "backup-retention", value: text,
                    expected:
                        "expected a count (10), an age (7d, 72h) or both (10,7d); a count is at least 1",
                    origin: .commandLine)
            }
            retention = parsed
        }
        let level = try reader.int(
            backups.backupCompressionLevel, "backup-compression-level",
            default: SchedulerDefaults.backupCompressionLevel, range: BackupCompression.levels)
        let drillInterval = try reader.duration(
            backups.restoreDrillInterval, "restore-drill-interval",
            default: SchedulerDefaults.restoreDrillInterval, allowZero: true)
        return BackupSettings(
            directory: directory, interval: interval == .zero ? nil : interval,
            retention: retention,
            compressionLevel: level, store: try resolveBackupStore(&reader, absolute),
            drillInterval: drillInterval == .zero ? nil : drillInterval)
    }

    func resolveBackupStore(_ reader: inout FlagReader, _ absolute: (String) -> String)
        throws(SchedulerConfigurationError) -> BackupStoreSettings?
    {
        let endpointText = reader.string(backups.backupStoreEndpoint, "backup-store-endpoint")
        let credentialsFile = reader.string(
            backups.backupStoreCredentialsFile, "backup-store-credentials-file")
        let keyFile = reader.string(backups.backupEncryptionKeyFile, "backup-encryption-key-file")
        guard let text = reader.string(backups.backupStore, "backup-store") else {
            if endpointText != nil || credentialsFile != nil || keyFile != nil {
                throw .missing(
                    flag: "backup-store",
                    reason:
                        "-backup-store-endpoint, -backup-store-credentials-file and -backup-encryption-key-file need it"
                )
            }
            return nil
        }
        let location: S3Location
        do { location = try S3Location(parsing: text) } catch {
            throw .invalidValue(
                flag: "backup-store", value: text, expected: "\(error)", origin: .commandLine)
        }
        guard let endpointText else {
            throw .missing(
                flag: "backup-store-endpoint",
                reason: "-backup-store needs the object store's http(s)://host:port")
        }
        let endpoint: S3Endpoint
        do { endpoint = try S3Endpoint(parsing: endpointText) } catch {
            throw .invalidValue(
                flag: "backup-store-endpoint", value: endpointText, expected: "\(error)",
                origin: .commandLine)
        }
        let region =
            reader.string(backups.backupStoreRegion, "backup-store-region")
            ?? SchedulerDefaults.backupStoreRegion
        return BackupStoreSettings(
            location: location, endpoint: endpoint, region: region,
            credentialsFile: credentialsFile.map(absolute), encryptionKeyFile: keyFile.map(absolute)
        )
    }
}

import Backup
import Foundation
import MesosAPI
import Reconciler

extension SchedulerOptions {
    /// Checks every value and applies the defaults: flag, else its container environment variable, else the
    /// original's default. Touches no file (see `SchedulerSettings.resolvingLocalFiles`).
    ///
    /// - Parameters:
    ///   - hostName: the default `-address` when the master is not local; `nil` asks the system.
    ///   - currentDirectory: what relative paths are relative to.
    public func settings(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        hostName: String? = nil,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(SchedulerConfigurationError) -> SchedulerSettings {
        var reader = FlagReader(environment: environment)
        var notices: [String] = []
        func absolute(_ path: String) -> String { Self.absolutePath(path, in: currentDirectory) }

        let frameworkName = try resolveFrameworkName(&reader, &notices)
        let masterText = reader.lookup(mesos.master, "master")
        let master: MasterAddress
        do {
            master = try MasterAddress(parsing: masterText?.text ?? SchedulerDefaults.master)
        } catch {
            throw .invalidValue(
                flag: "master", value: masterText?.text ?? "", expected: "\(error)",
                origin: masterText?.origin ?? .commandLine)
        }
        let isLocal = master == .local

        typealias Defaults = SchedulerDefaults
        var reconciler = ReconcilerConfiguration(
            clusterSize: try reader.int(
                cluster.clusterSize, "cluster-size", default: Defaults.clusterSize,
                range: 1...Int.max))
        reconciler.singleInstancePerAgent = try reader.bool(
            cluster.singleInstancePerSlave, "single-instance-per-slave",
            default: Defaults.singleInstancePerAgent)
        reconciler.reseedTimeout = try reader.duration(
            cluster.reseedTimeout, "reseed-timeout", default: Defaults.reseedTimeout,
            allowZero: false)
        reconciler.autoReseed = try reader.bool(
            cluster.autoReseed, "auto-reseed", default: Defaults.autoReseed)
        reconciler.chill = try reader.duration(
            cluster.chill, "chill", default: Defaults.chill, allowZero: true)
        reconciler.offerRefuseSeconds = try reader.double(
            mesos.offerRefuseSeconds, "mesos-offer-refuse-seconds",
            default: Defaults.offerRefuseSeconds, minimum: 0, allowMinimum: true, unit: "seconds")
        reconciler.taskResources = TaskResources(
            cpus: try reader.double(
                cluster.sandboxCPULimit, "sandbox-cpu-limit", default: Defaults.sandboxCPUs,
                minimum: 0, allowMinimum: false, unit: "CPUs"),
            memoryMB: try reader.double(
                cluster.sandboxMemLimit, "sandbox-mem-limit", default: Defaults.sandboxMemoryMB,
                minimum: 0, allowMinimum: false, unit: "MB"),
            diskMB: try reader.double(
                cluster.sandboxDiskLimit, "sandbox-disk-limit", default: Defaults.sandboxDiskMB,
                minimum: 0, allowMinimum: false, unit: "MB"))
        do {
            try reconciler.validate()
        } catch {
            throw .reconciler(error)
        }
        if !reconciler.singleInstancePerAgent {
            notices.append(
                "-single-instance-per-slave=false: several members may share an agent, so losing one host "
                    + "can cost the cluster its majority")
        }
        if reconciler.clusterSize > 1 && reconciler.clusterSize % 2 == 0 {
            notices.append(
                "-cluster-size=\(reconciler.clusterSize) is even: it tolerates no more failures than "
                    + "\(reconciler.clusterSize - 1) members would")
        }

        let failoverTimeout = try reader.duration(
            mesos.failoverTimeoutSeconds, "failover-timeout-seconds",
            default: Defaults.failoverTimeout, allowZero: true)
        let webURI = reader.string(mesos.frameworkWebURI, "framework-weburi").flatMap {
            $0.isEmpty ? nil : $0
        }
        let authentication = try resolveAuthentication(absolute)

        let address =
            reader.string(mesos.address, "address").flatMap { $0.isEmpty ? nil : $0 }
            ?? (isLocal
                ? Defaults.loopbackAddress
                : hostName ?? Self.systemHostName() ?? Defaults.loopbackAddress)
        if reader.lookup(mesos.driverPort, "driver-port") != nil {
            _ = try reader.int(mesos.driverPort, "driver-port", default: 0, range: 0...65535)
            notices.append(
                "-driver-port is ignored: the v1 HTTP scheduler API needs no driver port")
        }
        let adminPort = try reader.int(
            serving.adminPort, "admin-port", default: Defaults.adminPort, range: 0...65535)
        let artifactPort = try reader.int(
            serving.artifactPort, "artifact-port", default: Defaults.artifactPort, range: 0...65535)
        if adminPort != 0 && adminPort == artifactPort {
            throw .conflict(
                flags: ["admin-port", "artifact-port"],
                reason: "both are \(adminPort); the two servers need two ports")
        }
        let adminAddress =
            try nonEmpty(serving.adminAddress, "admin-address")
            ?? (isLocal ? Defaults.loopbackAddress : Defaults.adminAddress)
        let adminTokenFile = try nonEmpty(serving.adminTokenFile, "admin-token-file").map(absolute)
        func binary(_ given: String?, _ flag: String, _ program: String)
            throws(SchedulerConfigurationError)
            -> BinaryLocation
        {
            let path = try nonEmpty(given, flag)
            return BinaryLocation(
                path: absolute(path ?? "\(Defaults.binaryDirectory)/\(program)"),
                isExplicit: path != nil, programName: program)
        }
        let binaries = SchedulerBinaries(
            executor: try binary(serving.executorBin, "executor-bin", "etcd-mesos-executor"),
            etcd: try binary(serving.etcdBin, "etcd-bin", "etcd"),
            etcdctl: try binary(serving.etcdctlBin, "etcdctl-bin", "etcdctl"))

        let workDirectory = absolute(
            try nonEmpty(files.workDirectory, "work-dir") ?? Defaults.workDirectory)
        let persistence = try resolvePersistence(
            &reader, isLocal: isLocal, frameworkName: frameworkName, workDirectory: workDirectory,
            absolute)
        let localAgentDefault = max(Defaults.minimumLocalAgents, reconciler.clusterSize)
        let localAgents = try reader.int(
            files.localAgents, "local-agents", default: localAgentDefault, range: 1...254)
        var localMesos: LocalMesosSettings?
        if isLocal {
            if reconciler.singleInstancePerAgent && localAgents < reconciler.clusterSize {
                throw .conflict(
                    flags: ["local-agents", "cluster-size"],
                    reason:
                        "\(localAgents) agents cannot hold \(reconciler.clusterSize) members, one per agent "
                        + "(-single-instance-per-slave); give -local-agents=\(reconciler.clusterSize) or more"
                )
            }
            localMesos = LocalMesosSettings(
                agentCount: localAgents, workDirectory: workDirectory + "/agents")
        } else if files.localAgents != nil {
            notices.append("-local-agents is ignored: it applies only with -master=local")
        }

        let backup = try resolveBackup(&reader, workDirectory: workDirectory, absolute)
        let restoreFrom = try nonEmpty(cluster.restoreFrom, "restore-from")
        let allowEmptyCluster = try reader.bool(
            cluster.allowEmptyCluster, "allow-empty-cluster", default: Defaults.allowEmptyCluster)
        let loggingSettings = LoggingSettings(
            directory: try nonEmpty(logging.logDirectory, "log_dir").map(absolute),
            toStderrOnly: try reader.bool(
                logging.logToStderr, "logtostderr", default: Defaults.logToStderrOnly),
            alsoToStderr: try reader.bool(
                logging.alsoLogToStderr, "alsologtostderr", default: Defaults.alsoLogToStderr),
            verbosity: try reader.int(
                logging.verbosity, "v", default: Defaults.verbosity, range: 0...Int.max))

        let frameworkUser = reader.string(mesos.mesosUser, "mesos-user").flatMap {
            $0.isEmpty ? nil : $0
        }
        return SchedulerSettings(
            frameworkName: frameworkName, master: master, persistence: persistence,
            reconciler: reconciler,
            failoverTimeout: failoverTimeout, frameworkWebURI: webURI, frameworkUser: frameworkUser,
            authentication: authentication,
            address: address, adminPort: adminPort, adminAddress: adminAddress,
            adminTokenFile: adminTokenFile,
            artifactPort: artifactPort,
            binaries: binaries,
            etcdHealthInterval: try reader.duration(
                cluster.etcdHealthInterval, "etcd-health-interval",
                default: Defaults.etcdHealthInterval, allowZero: false),
            workDirectory: workDirectory, localMesos: localMesos, backup: backup,
            restoreFrom: restoreFrom,
            allowEmptyCluster: allowEmptyCluster, logging: loggingSettings,
            notices: notices + reader.environmentNotices)
    }

    private func resolveFrameworkName(_ reader: inout FlagReader, _ notices: inout [String])
        throws(SchedulerConfigurationError) -> String
    {
        let given = reader.lookup(mesos.frameworkName, "framework-name")
        if let clusterName = mesos.clusterName {
            try Self.checkZnodeName(clusterName, flag: "cluster-name", origin: .commandLine)
            if given == nil {
                notices.append(
                    "-cluster-name was removed from the original in 2015; the framework name is etcd-\(clusterName) "
                        + "(use -framework-name=etcd-\(clusterName) instead)")
                return "etcd-\(clusterName)"
            }
            notices.append("-cluster-name is ignored because -framework-name is given")
        }
        guard let given else { return SchedulerDefaults.frameworkName }
        try Self.checkZnodeName(given.text, flag: "framework-name", origin: given.origin)
        return given.text
    }

    /// A given flag's value, refusing an empty one (`-backup-dir=` is a mistake, not "use the default").
    func nonEmpty(_ value: String?, _ flag: String) throws(SchedulerConfigurationError)
        -> String?
    {
        guard let value else { return nil }
        guard !value.isEmpty else {
            throw .invalidValue(
                flag: flag, value: "", expected: "must not be empty", origin: .commandLine)
        }
        return value
    }

    /// A framework name ends up in znode names (`<name>_framework_id`) and file names.
    private static func checkZnodeName(_ name: String, flag: String, origin: FlagOrigin)
        throws(SchedulerConfigurationError)
    {
        let forbidden = name.unicodeScalars.contains {
            $0.value < 0x20 || $0.value == 0x7F || $0 == "/"
        }
        guard !name.isEmpty, !forbidden, name != ".", name != ".." else {
            throw .invalidValue(
                flag: flag, value: name,
                expected:
                    "expected a non-empty name without \"/\" or control characters (it names znodes and files)",
                origin: origin)
        }
    }

    static func absolutePath(_ path: String, in directory: String) -> String {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    static func systemHostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(
            decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}

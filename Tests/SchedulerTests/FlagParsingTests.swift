import EtcdScheduler
import MesosAPI
import Reconciler
import Testing

/// Parses a Go-style command line the way the binary does, with a fixed host name and working directory.
func schedulerSettings(_ arguments: [String], environment: [String: String] = [:]) throws
    -> SchedulerSettings
{
    try SchedulerOptions.parseGoStyle(arguments).settings(
        environment: environment, hostName: "scheduler-host", currentDirectory: "/srv/etcd-mesos")
}

/// The message a user sees for whatever parsing or checking threw.
func userMessage(_ arguments: [String], environment: [String: String] = [:]) -> String? {
    do {
        _ = try schedulerSettings(arguments, environment: environment)
        return nil
    } catch let error as SchedulerConfigurationError {
        return error.description
    } catch {
        return SchedulerOptions.message(for: error)
    }
}

@Suite("Scheduler flags: the administration guide and the original's defaults")
struct FlagParsingTests {
    /// The guide's "basic production invocation", as the shell hands it over (quotes removed).
    static let productionInvocation = [
        "-log_dir=/var/log/etcd-mesos",
        "-master=zk://zk1:2181,zk2:2181,zk3:2181/mesos",
        "-cluster-name=mycluster",
        "-cluster-size=3",
        "-executor-bin=/path/to/etcd-mesos-executor",
        "-etcd-bin=/path/to/etcd",
        "-zk-framework-persist=zk://zk1:2181,zk2:2181,zk3:2181/etcd-mesos",
    ]

    @Test("the production invocation of the administration guide parses to what it asks for")
    func productionInvocationParses() throws {
        let settings = try schedulerSettings(Self.productionInvocation)
        let ensemble = ["zk1:2181", "zk2:2181", "zk3:2181"]
        #expect(settings.frameworkName == "etcd-mycluster")
        #expect(
            settings.master == .zooKeeper(ZooKeeperMasterAddress(servers: ensemble, path: "/mesos"))
        )
        #expect(
            settings.persistence
                == .zooKeeper(ZooKeeperPersistAddress(servers: ensemble, chroot: "/etcd-mesos")))
        #expect(settings.reconciler.clusterSize == 3)
        #expect(settings.logging.directory == "/var/log/etcd-mesos")
        #expect(settings.logging.fileDirectory == "/var/log/etcd-mesos")
        #expect(
            settings.binaries.executor
                == BinaryLocation(
                    path: "/path/to/etcd-mesos-executor", isExplicit: true,
                    programName: "etcd-mesos-executor"))
        #expect(
            settings.binaries.etcd
                == BinaryLocation(path: "/path/to/etcd", isExplicit: true, programName: "etcd"))
        #expect(
            settings.binaries.etcdctl
                == BinaryLocation(
                    path: "/srv/etcd-mesos/bin/etcdctl", isExplicit: false, programName: "etcdctl"))
        #expect(settings.localMesos == nil)
        #expect(
            settings.notices.contains {
                $0.contains("-cluster-name") && $0.contains("etcd-mycluster")
            })
    }

    @Test("-mesos-user names FrameworkInfo.user; without it the scheduler's own user is used")
    func mesosUser() throws {
        #expect(
            try schedulerSettings(Self.productionInvocation + ["-mesos-user=etcd"]).frameworkUser
                == "etcd")
        #expect(
            try schedulerSettings(Self.productionInvocation + ["--mesos-user", "etcd"])
                .frameworkUser == "etcd")
        #expect(try schedulerSettings(Self.productionInvocation).frameworkUser == nil)
    }

    @Test("flags the invocation leaves out take the original's defaults")
    func originalDefaults() throws {
        let settings = try schedulerSettings(Self.productionInvocation)
        let reconciler = settings.reconciler
        #expect(reconciler.autoReseed)
        #expect(reconciler.reseedTimeout == .seconds(240))
        #expect(reconciler.singleInstancePerAgent)
        #expect(reconciler.chill == .seconds(10))
        #expect(reconciler.offerRefuseSeconds == 15)
        #expect(reconciler.taskResources == TaskResources(cpus: 4, memoryMB: 2048, diskMB: 4096))
        #expect(settings.adminPort == 23400)
        #expect(settings.artifactPort == 12300)
        #expect(settings.address == "scheduler-host")
        #expect(settings.webUIURL(adminPort: 23400) == "http://scheduler-host:23400/")
        #expect(settings.failoverTimeout == .seconds(604_800))
        #expect(settings.authentication == nil)
        #expect(settings.logging.verbosity == 0)
        #expect(settings.backup.interval == .seconds(1800))
        #expect(settings.backup.retention == SchedulerDefaults.backupRetention)
        #expect(settings.backup.directory == "/srv/etcd-mesos/etcd-mesos-work/backups")
        #expect(!settings.allowEmptyCluster)
        #expect(settings.restoreFrom == nil)
    }

    @Test("the start-up check names the flag and path of a binary that does not exist")
    func productionInvocationNeedsItsBinaries() throws {
        let settings = try schedulerSettings(Self.productionInvocation)
        let error = #expect(throws: SchedulerConfigurationError.self) {
            try settings.resolvingLocalFiles(executableDirectory: nil, searchPath: nil)
        }
        #expect(error?.description == "-executor-bin=/path/to/etcd-mesos-executor: does not exist")
    }

    @Test(
        "without flags the scheduler needs a place to persist, as the original required -zk-framework-persist"
    )
    func persistenceIsRequired() {
        let message = userMessage([])
        #expect(message?.hasPrefix("-zk-framework-persist is required") == true)
        #expect(message?.contains("-framework-persist-file") == true)
    }

    @Test("-master=local runs embedded Mesos and persists to a file under the work dir")
    func localMaster() throws {
        let settings = try schedulerSettings(["-master=local"])
        #expect(settings.master == .local)
        #expect(
            settings.persistence == .file(path: "/srv/etcd-mesos/etcd-mesos-work/etcd-state.json"))
        #expect(
            settings.localMesos
                == LocalMesosSettings(
                    agentCount: 5, workDirectory: "/srv/etcd-mesos/etcd-mesos-work/agents"))
        #expect(settings.address == "127.0.0.1")
        #expect(
            try schedulerSettings(["-master", "local", "-cluster-size", "1"]).localMesos?.agentCount
                == 3)
        let custom = try schedulerSettings([
            "-master=local", "-work-dir=/tmp/w", "-framework-name=e2", "-local-agents=4",
            "-cluster-size=3",
        ])
        #expect(custom.persistence == .file(path: "/tmp/w/e2-state.json"))
        #expect(
            custom.localMesos == LocalMesosSettings(agentCount: 4, workDirectory: "/tmp/w/agents"))
    }

    @Test("-framework-persist-file persists to that file, relative to the working directory")
    func persistFile() throws {
        let settings = try schedulerSettings([
            "-master=m1:5050", "--framework-persist-file", "state/s.json",
        ])
        #expect(settings.persistence == .file(path: "/srv/etcd-mesos/state/s.json"))
        #expect(settings.master == .endpoints([MesosEndpoint(host: "m1", port: 5050)]))
    }

    @Test("a chroot of several segments is accepted; servers without a port get 2181")
    func deeperChroot() throws {
        let settings = try schedulerSettings([
            "-zk-framework-persist=zk://zk1,zk2:2182/dcos/etcd-mesos"
        ])
        #expect(
            settings.persistence
                == .zooKeeper(
                    ZooKeeperPersistAddress(
                        servers: ["zk1:2181", "zk2:2182"], chroot: "/dcos/etcd-mesos")))
    }

    @Test("-framework-name wins over the removed -cluster-name")
    func frameworkNameWins() throws {
        let settings = try schedulerSettings([
            "-master=local", "-cluster-name=c", "-framework-name=f",
        ])
        #expect(settings.frameworkName == "f")
        #expect(settings.notices.contains { $0.contains("-cluster-name is ignored") })
    }

    @Test("-driver-port is accepted and ignored, with a notice")
    func driverPortIgnored() throws {
        let settings = try schedulerSettings(["-master=local", "-driver-port=31001"])
        #expect(settings.notices.contains { $0.contains("-driver-port is ignored") })
    }

    @Test("authentication: the principal, the secret file and the provider")
    func authentication() throws {
        let settings = try schedulerSettings([
            "-master=local", "-mesos-authentication-principal=etcd",
            "-mesos-authentication-secret-file=secret",
        ])
        #expect(
            settings.authentication
                == MesosAuthentication(
                    principal: "etcd", secretFile: "/srv/etcd-mesos/secret", provider: "SASL"))
    }

    @Test("every other flag reaches its setting")
    func everyFlagReachesItsSetting() throws {
        let settings = try schedulerSettings([
            "-master=local", "-cluster-size=3", "-reseed-timeout=90", "-auto-reseed=false",
            "-artifact-port=0",
            "-admin-port=0", "-sandbox-disk-limit=1024", "-sandbox-cpu-limit=0.5",
            "-sandbox-mem-limit=512",
            "-address=10.0.0.5", "-mesos-offer-refuse-seconds=2.5",
            "-single-instance-per-slave=false",
            "-failover-timeout-seconds=3600", "-framework-weburi=http://ui/", "-chill=250ms",
            "-etcd-health-interval=1s", "-admin-token-file=/etc/token", "-backup-dir=/backups",
            "-backup-interval=1h30m", "-backup-retention=10,7d", "-backup-compression-level=1",
            "-restore-drill-interval=12h", "-restore-from=etcd-20250101T000000Z-r42",
            "-allow-empty-cluster", "-logtostderr",
            "-alsologtostderr",
            "-v=1", "-executor-bin=x/executor", "-etcdctl-bin=/usr/bin/etcdctl",
        ])
        let reconciler = settings.reconciler
        #expect(reconciler.reseedTimeout == .seconds(90))
        #expect(!reconciler.autoReseed)
        #expect(!reconciler.singleInstancePerAgent)
        #expect(reconciler.taskResources == TaskResources(cpus: 0.5, memoryMB: 512, diskMB: 1024))
        #expect(reconciler.offerRefuseSeconds == 2.5)
        #expect(reconciler.chill == .milliseconds(250))
        #expect(settings.artifactPort == 0 && settings.adminPort == 0)
        #expect(settings.address == "10.0.0.5")
        #expect(settings.failoverTimeout == .seconds(3600))
        #expect(settings.webUIURL(adminPort: 1234) == "http://ui/")
        #expect(settings.etcdHealthInterval == .seconds(1))
        #expect(settings.adminTokenFile == "/etc/token")
        #expect(
            settings.backup
                == BackupSettings(
                    directory: "/backups", interval: .seconds(5400),
                    retention: BackupRetention(keepNewest: 10, keepWithin: .seconds(7 * 86400)),
                    compressionLevel: 1, drillInterval: .seconds(12 * 3600)))
        #expect(settings.restoreFrom == "etcd-20250101T000000Z-r42")
        #expect(settings.allowEmptyCluster)
        #expect(
            settings.logging
                == LoggingSettings(
                    directory: nil, toStderrOnly: true, alsoToStderr: true, verbosity: 1))
        #expect(settings.logging.logLevel == .debug)
        #expect(settings.binaries.executor.path == "/srv/etcd-mesos/x/executor")
        #expect(
            settings.binaries.etcdctl
                == BinaryLocation(
                    path: "/usr/bin/etcdctl", isExplicit: true, programName: "etcdctl"))
        #expect(settings.notices.contains { $0.contains("-single-instance-per-slave=false") })
    }

    @Test("the help lists every flag, and says -driver-port is ignored")
    func helpListsEveryFlag() {
        let help = SchedulerOptions.helpMessage(columns: 200)
        let flags = [
            "framework-name", "master", "zk-framework-persist", "cluster-size", "admin-port",
            "reseed-timeout",
            "auto-reseed", "artifact-port", "sandbox-disk-limit", "sandbox-cpu-limit",
            "sandbox-mem-limit",
            "executor-bin", "etcd-bin", "etcdctl-bin", "address", "driver-port",
            "mesos-authentication-principal",
            "mesos-authentication-secret-file", "mesos-authentication-provider",
            "mesos-offer-refuse-seconds",
            "single-instance-per-slave", "failover-timeout-seconds", "framework-weburi", "log_dir",
            "logtostderr",
            "alsologtostderr", "cluster-name", "framework-persist-file", "local-agents",
            "backup-dir",
            "backup-interval", "backup-retention", "backup-compression-level", "restore-from",
            "allow-empty-cluster",
            "admin-token-file", "chill", "etcd-health-interval", "work-dir",
        ]
        for flag in flags {
            #expect(help.contains("-\(flag),") || help.contains("-\(flag) "), "help lacks -\(flag)")
        }
        #expect(help.contains("-v,") || help.contains("-v <"))
        #expect(help.contains("Accepted and ignored"))
    }
}

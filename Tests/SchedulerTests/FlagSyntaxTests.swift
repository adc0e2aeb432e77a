import EtcdScheduler
import Reconciler
import Testing

@Suite("Scheduler flags: Go syntax, values and errors")
struct FlagSyntaxTests {
    @Test(
        "-flag=value, --flag=value, -flag value and --flag value all set the flag",
        arguments: [
            ["-cluster-size=7"], ["--cluster-size=7"], ["-cluster-size", "7"],
            ["--cluster-size", "7"],
        ])
    func valueForms(arguments: [String]) throws {
        #expect(try schedulerSettings(["-master=local"] + arguments).reconciler.clusterSize == 7)
    }

    @Test(
        "booleans: bare means true, =value sets it",
        arguments: [
            ([], true), (["-auto-reseed"], true), (["--auto-reseed"], true),
            (["-auto-reseed=true"], true),
            (["--auto-reseed=false"], false), (["-auto-reseed=false"], false),
            (["-auto-reseed=0"], false),
            (["--auto-reseed=F"], false), (["-auto-reseed=false", "-auto-reseed"], true),
        ] as [([String], Bool)])
    func booleanForms(arguments: [String], expected: Bool) throws {
        #expect(
            try schedulerSettings(["-master=local"] + arguments).reconciler.autoReseed == expected)
    }

    @Test("every boolean flag takes the bare form")
    func everyBooleanBare() throws {
        let settings = try schedulerSettings([
            "-master=local", "-single-instance-per-slave", "--allow-empty-cluster", "-logtostderr",
            "--alsologtostderr",
        ])
        #expect(settings.reconciler.singleInstancePerAgent)
        #expect(settings.allowEmptyCluster)
        #expect(settings.logging.toStderrOnly && settings.logging.alsoToStderr)
    }

    @Test(
        "-auto-reseed false (a separate value, which Go would not read) is refused with the right spelling"
    )
    func separatedBooleanRefused() {
        #expect(
            userMessage(["-master=local", "-auto-reseed", "false"])
                == "-auto-reseed is a boolean flag: write -auto-reseed=false, not -auto-reseed false "
                + "(a bare -auto-reseed means true)")
    }

    @Test("glog's -v in all forms", arguments: [["-v=2"], ["-v", "2"], ["--v=2"], ["--v", "2"]])
    func verbosity(arguments: [String]) throws {
        let settings = try schedulerSettings(["-master=local"] + arguments)
        #expect(settings.logging.verbosity == 2)
        #expect(settings.logging.logLevel == .trace)
    }

    @Test(
        "-backup-interval takes Go durations and seconds; 0 turns it off",
        arguments: [
            ("30m", Duration.seconds(1800)), ("90s", .seconds(90)), ("1h30m", .seconds(5400)),
            ("45", .seconds(45)),
            ("1.5h", .seconds(5400)), ("500ms", .milliseconds(500)), ("0", nil), ("0s", nil),
        ] as [(String, Duration?)])
    func backupInterval(text: String, expected: Duration?) throws {
        #expect(
            try schedulerSettings(["-master=local", "-backup-interval=\(text)"]).backup.interval
                == expected)
    }

    @Test(
        "-backup-retention: a count, an age, or both",
        arguments: [
            ("10", BackupRetention(keepNewest: 10, keepWithin: nil)),
            ("7d", BackupRetention(keepNewest: nil, keepWithin: .seconds(7 * 86400))),
            ("72h", BackupRetention(keepNewest: nil, keepWithin: .seconds(72 * 3600))),
            ("10,7d", BackupRetention(keepNewest: 10, keepWithin: .seconds(7 * 86400))),
            ("7d, 3", BackupRetention(keepNewest: 3, keepWithin: .seconds(7 * 86400))),
        ])
    func backupRetention(text: String, expected: BackupRetention) throws {
        #expect(
            try schedulerSettings(["-master=local", "-backup-retention=\(text)"]).backup.retention
                == expected)
        #expect(BackupRetention(parsing: expected.description) == expected)
    }

    @Test(
        "a bad value is refused with a message that names the flag",
        arguments: [
            (["-cluster-size=0"], "-cluster-size=0: expected a whole number from 1 up"),
            (["-cluster-size=three"], "-cluster-size=three:"),
            (["-admin-port=70000"], "-admin-port=70000: expected a whole number from 0 to 65535"),
            (["-artifact-port=-1"], "-artifact-port=-1:"),
            (
                ["-sandbox-cpu-limit=0"],
                "-sandbox-cpu-limit=0: expected a number of CPUs, more than 0"
            ),
            (["-sandbox-mem-limit=lots"], "-sandbox-mem-limit=lots:"),
            (["-mesos-offer-refuse-seconds=-1"], "-mesos-offer-refuse-seconds=-1:"),
            (["-reseed-timeout=0"], "-reseed-timeout=0: expected a duration"),
            (["-reseed-timeout=soon"], "-reseed-timeout=soon:"),
            (["-failover-timeout-seconds=60*60*24*7"], "-failover-timeout-seconds=60*60*24*7:"),
            (["-chill=-1s"], "-chill=-1s:"),
            (
                ["-backup-interval=30x"],
                "-backup-interval=30x: expected a duration like 90s, 30m or 1h30m"
            ),
            (["-backup-interval=-5m"], "-backup-interval=-5m:"),
            (["-backup-retention=0"], "-backup-retention=0:"),
            (["-backup-retention=10,20"], "-backup-retention=10,20:"),
            (["-backup-retention=forever"], "-backup-retention=forever:"),
            (
                ["-backup-compression-level=25"],
                "-backup-compression-level=25: expected a whole number from 1 to 19"
            ),
            (["-auto-reseed=maybe"], "-auto-reseed=maybe: expected true or false"),
            (["-v=loud"], "-v=loud:"),
            (["-framework-name=a/b"], "-framework-name=a/b:"),
            (["-framework-name="], "-framework-name=:"),
            (["-backup-dir="], "-backup-dir=: must not be empty"),
            (["-local-agents=2", "-cluster-size=3"], "-local-agents and -cluster-size:"),
            (
                ["-admin-port=5000", "-artifact-port=5000"],
                "-admin-port and -artifact-port: both are 5000"
            ),
            (
                ["-mesos-authentication-secret-file=/s"],
                "-mesos-authentication-secret-file and -mesos-authentication-principal"
            ),
        ] as [([String], String)])
    func badValues(arguments: [String], expected: String) {
        let message = userMessage(["-master=local"] + arguments)
        #expect(message?.hasPrefix(expected) == true, "got: \(message ?? "no error")")
    }

    @Test(
        "bad -master and -zk-framework-persist values name the flag",
        arguments: [
            (["-master=ftp://m1"], "-master=ftp://m1:"),
            (["-master=m1:notaport"], "-master=m1:notaport:"),
            (
                ["-master=local", "-zk-framework-persist=zk://zk1:2181/"],
                "-zk-framework-persist=zk://zk1:2181/: no chroot"
            ),
            (
                ["-master=local", "-zk-framework-persist=zk://zk1:2181"],
                "-zk-framework-persist=zk://zk1:2181: no chroot"
            ),
            (
                ["-master=local", "-zk-framework-persist=http://zk1:2181/x"],
                "-zk-framework-persist=http://zk1:2181/x:"
            ),
            (
                ["-master=local", "-zk-framework-persist=zk://u:p@zk1:2181/x"],
                "-zk-framework-persist=zk://u:p@zk1:2181/x:"
            ),
            (
                ["-zk-framework-persist=zk://zk1:2181/x", "-framework-persist-file=/s.json"],
                "-zk-framework-persist and -framework-persist-file:"
            ),
        ] as [([String], String)])
    func badAddresses(arguments: [String], expected: String) {
        let message = userMessage(arguments)
        #expect(message?.hasPrefix(expected) == true, "got: \(message ?? "no error")")
    }

    @Test("an unknown flag or a stray argument is refused, naming it")
    func unknownFlag() {
        #expect(
            userMessage(["-master=local", "-no-such-flag=1"])?.contains("no-such-flag") == true)
        #expect(userMessage(["-master=local", "stray"])?.contains("stray") == true)
    }

    @Test("the container's environment variables stand in for absent flags, and flags win")
    func containerEnvironment() throws {
        let environment = [
            "MESOS_MASTER": "local", "CLUSTER_SIZE": "3", "AUTO_RESEED": "false", "PORT0": "31000",
            "PORT2": "31002",
            "FRAMEWORK_NAME": "etcd-env", "RESEED_TIMEOUT": "60", "CPU_LIMIT": "1",
            "MEM_LIMIT": "1024",
            "DISK_LIMIT": "2048", "VERBOSITY": "1", "LIBPROCESS_IP": "10.1.2.3",
        ]
        let settings = try schedulerSettings(["-cluster-size=5"], environment: environment)
        #expect(settings.master == .local)
        #expect(settings.reconciler.clusterSize == 5)
        #expect(!settings.reconciler.autoReseed)
        #expect(settings.adminPort == 31000 && settings.artifactPort == 31002)
        #expect(settings.frameworkName == "etcd-env")
        #expect(settings.reconciler.reseedTimeout == .seconds(60))
        #expect(
            settings.reconciler.taskResources
                == TaskResources(cpus: 1, memoryMB: 1024, diskMB: 2048))
        #expect(settings.logging.verbosity == 1)
        #expect(settings.address == "10.1.2.3")
        #expect(settings.notices.contains("CLUSTER_SIZE=3 used for -cluster-size") == false)
        #expect(settings.notices.contains("AUTO_RESEED=false used for -auto-reseed"))
    }

    @Test("a bad environment value names the flag and the variable")
    func badEnvironmentValue() {
        #expect(
            userMessage(["-master=local"], environment: ["CLUSTER_SIZE": "many"])
                == "-cluster-size=many (from the environment variable CLUSTER_SIZE): expected a whole number from 1 up"
        )
    }
}

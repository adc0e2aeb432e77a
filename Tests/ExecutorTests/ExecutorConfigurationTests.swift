import Foundation
import MesosAPI
import Support
import TaskContract
import Testing

@testable import EtcdExecutor

/// Flags, the agent's environment, and the etcd command line.
@Suite struct ExecutorConfigurationTests {
    private let agentEnvironment = [
        "MESOS_AGENT_ENDPOINT": "127.0.0.2:5051", "MESOS_FRAMEWORK_ID": "fw-0000",
        "MESOS_EXECUTOR_ID": "etcd-1",
        "MESOS_DIRECTORY": "/work/sandbox", "MESOS_SANDBOX": "/sandbox", "MESOS_CHECKPOINT": "1",
        "MESOS_RECOVERY_TIMEOUT": "15mins", "MESOS_SUBSCRIPTION_BACKOFF_MAX": "2secs",
        "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": "1500ms",
    ]

    @Test func goStyleAndDoubleDashFlagsParse() throws {
        let command = try EtcdExecutorCommand.parse([
            "-log_dir=./", "-etcd-bin=./etcd-3.4", "--launch-timeout", "1m30s",
            "-driver-port=31003",
        ])
        #expect(command.etcdBinary == "./etcd-3.4")
        #expect(GoDuration.parse(command.launchTimeout) == .seconds(90))
        #expect(command.logDirectory == "./")
        let defaults = try EtcdExecutorCommand.parse([])
        #expect(defaults.etcdBinary == "./etcd" && defaults.launchTimeout == "240s")
        #expect(throws: (any Error).self) {
            try EtcdExecutorCommand.parse(["-launch-timeout=soon"])
        }
        #expect(defaults.restoreFetchTimeout == "10m")
        #expect(
            try EtcdExecutorCommand.parse(["-restore-fetch-timeout=90s"]).restoreFetchTimeout
                == "90s")
        #expect(throws: (any Error).self) {
            try EtcdExecutorCommand.parse(["-restore-fetch-timeout=0"])
        }
    }

    @Test func goDurations() {
        let cases: [(String, Duration?)] = [
            ("240s", .seconds(240)), ("4m", .seconds(240)), ("1m30s", .seconds(90)),
            ("1.5h", .seconds(5400)),
            ("500ms", .milliseconds(500)), ("90", .seconds(90)), ("0", .zero), ("soon", nil),
            ("-1s", nil), ("", nil),
            ("5 s", nil),
        ]
        for (text, expected) in cases { #expect(GoDuration.parse(text) == expected, "\(text)") }
    }

    @Test func stoutDurations() {
        let cases: [(String, Duration?)] = [
            ("5secs", .seconds(5)), ("15mins", .seconds(900)), ("1500ms", .milliseconds(1500)),
            ("2.5secs", .milliseconds(2500)), ("1hrs", .seconds(3600)),
            ("1weeks", .seconds(604_800)),
            ("10us", .microseconds(10)), ("5", nil), ("secs", nil), ("5seconds", nil),
        ]
        for (text, expected) in cases { #expect(StoutDuration.parse(text) == expected, "\(text)") }
    }

    @Test func agentEnvironmentIsReadAndAMissingVariableIsNamed() throws {
        let environment = try MesosExecutorEnvironment(environment: agentEnvironment)
        #expect(environment.agentEndpoint.executorURL == "http://127.0.0.2:5051/api/v1/executor")
        #expect(environment.frameworkID == "fw-0000" && environment.executorID == "etcd-1")
        #expect(environment.sandbox == "/sandbox")
        #expect(environment.checkpoint)
        #expect(
            environment.recoveryTimeout == .seconds(900)
                && environment.subscriptionBackoffMax == .seconds(2))
        #expect(environment.shutdownGracePeriod == .milliseconds(1500))

        var partial = agentEnvironment
        partial["MESOS_FRAMEWORK_ID"] = nil
        #expect(throws: MesosExecutorEnvironmentError.missing(variable: "MESOS_FRAMEWORK_ID")) {
            try MesosExecutorEnvironment(environment: partial)
        }
        partial = agentEnvironment
        partial["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] = "five seconds"
        do {
            _ = try MesosExecutorEnvironment(environment: partial)
            Issue.record("a malformed duration was accepted")
        } catch {
            #expect(error.description.contains("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=five seconds"))
        }
        partial = agentEnvironment
        partial["MESOS_CHECKPOINT"] = "0"
        partial["MESOS_RECOVERY_TIMEOUT"] = nil
        let uncheckpointed = try MesosExecutorEnvironment(environment: partial)
        #expect(!uncheckpointed.checkpoint && uncheckpointed.recoveryTimeout == .seconds(900))
    }

    @Test func settingsPlaceEtcdFilesInTheSandbox() throws {
        let mesos = try MesosExecutorEnvironment(environment: agentEnvironment)
        let settings = EtcdExecutorSettings(mesos: mesos, etcdBinary: "./etcd")
        #expect(settings.etcdBinary == "/sandbox/etcd")
        #expect(settings.dataDirectory == "/sandbox/etcd_data")
        #expect(settings.etcdLogPath == "/sandbox/etcd.log")
        #expect(
            EtcdExecutorSettings(mesos: mesos, etcdBinary: "/usr/bin/etcd").etcdBinary
                == "/usr/bin/etcd")
    }

    @Test func etcdCommandLineNamesTheMemberItsPeersAndTheToken() {
        let data = EtcdTaskData(
            member: .init(
                name: "etcd-2", host: "127.0.0.3", rpcPort: 31000, clientPort: 31001,
                httpPort: 31002),
            peers: [
                .init(
                    name: "etcd-1", host: "127.0.0.2", rpcPort: 31000, clientPort: 31001,
                    httpPort: 31002)
            ],
            initialClusterState: "existing", clusterToken: "etcd-mesos-epoch-3")
        let commandLine = EtcdCommandLine(task: data, dataDirectory: "/sandbox/etcd_data")
        #expect(
            commandLine.arguments() == [
                "--name=etcd-2", "--data-dir=/sandbox/etcd_data",
                "--listen-peer-urls=http://127.0.0.3:31000",
                "--initial-advertise-peer-urls=http://127.0.0.3:31000",
                "--listen-client-urls=http://127.0.0.3:31001",
                "--advertise-client-urls=http://127.0.0.3:31001",
                "--initial-cluster=etcd-2=http://127.0.0.3:31000,etcd-1=http://127.0.0.2:31000",
                "--initial-cluster-state=existing", "--initial-cluster-token=etcd-mesos-epoch-3",
            ])
        #expect(commandLine.arguments(forceNewCluster: true).last == "--force-new-cluster")
    }

    @Test func etcdListensOnAnAddressAndAdvertisesTheHostName() {
        #expect(ListenAddress.resolve("127.0.0.3") == "127.0.0.3")
        #expect(ListenAddress.resolve("::1") == "::1")
        #expect(ListenAddress.resolve("localhost") == "127.0.0.1")
        let data = EtcdTaskData(
            member: .init(
                name: "etcd-1", host: "localhost", rpcPort: 31000, clientPort: 31001,
                httpPort: 31002),
            peers: [], initialClusterState: "new", clusterToken: "t")
        let arguments = EtcdCommandLine(task: data, dataDirectory: "d", listenHost: "127.0.0.1")
            .arguments()
        #expect(arguments.contains("--listen-peer-urls=http://127.0.0.1:31000"))
        #expect(arguments.contains("--advertise-client-urls=http://localhost:31001"))
        let v6 = EtcdCommandLine(task: data, dataDirectory: "d", listenHost: "::1").arguments()
        #expect(v6.contains("--listen-client-urls=http://[::1]:31001"))
    }

    @Test func taskDataProblemsBecomeFailureMessages() {
        let task = TaskInfo(name: "etcd-server", taskID: "t1", agentID: "a1")
        #expect(MemberPreparation.taskData(of: task) == .failure(.noData(task: "t1")))
        var broken = task
        broken.data = Data("[]".utf8)
        guard case .failure(let failure) = MemberPreparation.taskData(of: broken) else {
            Issue.record("an empty member list was accepted")
            return
        }
        #expect(failure.description.contains("the member array is empty"))
    }

    @Test func ledgerKeepsWhatTheAgentHasNotAcknowledged() {
        var ledger = ExecutorLedger()
        let task = TaskInfo(name: "etcd-server", taskID: "t1", agentID: "a1")
        ledger.launched(task)
        ledger.launched(task)
        let starting = TaskStatus(taskID: "t1", state: .starting, uuid: TaskStatus.uuidBytes())
        let running = TaskStatus(taskID: "t1", state: .running, uuid: TaskStatus.uuidBytes())
        ledger.sending(starting)
        ledger.sending(running)
        #expect(ledger.subscribe.unacknowledgedTasks == [task])
        #expect(ledger.subscribe.unacknowledgedUpdates.map(\.status) == [starting, running])
        ledger.acknowledged(taskID: "t1", uuid: starting.uuid!)
        #expect(ledger.unacknowledgedTasks.isEmpty)
        #expect(ledger.unacknowledgedUpdates.map(\.status) == [running])
        #expect(ledger.isPending(uuid: running.uuid!) && !ledger.isPending(uuid: starting.uuid!))
        ledger.discard(uuid: running.uuid!)
        #expect(ledger.unacknowledgedUpdates.isEmpty)
    }
}

import EtcdMesosTesting
import EtcdScheduler
import Foundation
import Logging
import Reconciler
import Testing

/// A state with every field set, as a scheduler in the middle of its life would save it.
func sampleState(frameworkID: String = "fw-0001", epoch: Int = 3) -> PersistedClusterState {
    PersistedClusterState(
        frameworkID: FrameworkID(frameworkID),
        tasks: [
            PersistedTask(
                taskID: "etcd-1700000001 127.0.0.2 31000 31001 31002", agentID: "agent-S1"),
            PersistedTask(taskID: "etcd-1700000002 127.0.0.3 31000 31001 31002", agentID: nil),
        ],
        clusterEpoch: epoch, clusterFormed: true, lastKnownRevision: 1234,
        lastGoodBackup: "etcd-20250101T000000Z-r1200",
        reseedSeed: "etcd-1700000001 127.0.0.2 31000 31001 31002",
        pendingRestore: nil)
}

var quietLogger: Logger {
    var logger = Logger(label: "state-store-test")
    logger.logLevel = .critical
    return logger
}

@Suite("File state store")
struct FileStateStoreTests {
    func withDirectory<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "state-store")
        defer { directory.remove() }
        return try await body(directory)
    }

    func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test(
        "nothing stored loads as nil; a saved state loads back in a new store, and no temp file is left"
    )
    func roundTrip() async throws {
        try await withDirectory { directory in
            let path = directory.appending("deep/er/etcd-state.json")
            let store = FileClusterStateStore(path: path, logger: quietLogger)
            #expect(try await store.load() == nil)
            try await store.save(sampleState(epoch: 1))
            try await store.save(sampleState(epoch: 2))
            #expect(
                try await FileClusterStateStore(path: path, logger: quietLogger).load()
                    == sampleState(epoch: 2))
            #expect(try files(in: directory.appending("deep/er")) == ["etcd-state.json"])
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains("\"format\" : 1"))
            #expect(text.contains("\"frameworkID\" : \"fw-0001\""))
        }
    }

    @Test("a corrupt file is refused with its path and the reason, and is never overwritten")
    func corruptFileRefused() async throws {
        try await withDirectory { directory in
            let path = directory.appending("etcd-state.json")
            let cases = [
                ("{\"format\": 1, \"state\": {\"clusterEp", "not valid JSON"),
                ("", "it is empty"),
                ("{\"clusterEpoch\": 1}", "no \"format\" field"),
                (
                    "{\"format\": 1, \"state\": {\"tasks\": []}}",
                    "state lacks the field \"clusterEpoch\""
                ),
            ]
            for (content, reason) in cases {
                try content.write(toFile: path, atomically: false, encoding: .utf8)
                let loadError = await #expect(throws: ClusterStateStoreError.self) {
                    try await FileClusterStateStore(path: path, logger: quietLogger).load()
                }
                let message = loadError?.description ?? ""
                #expect(
                    message.hasPrefix(
                        "refusing to start: the persisted state in file \(path) cannot be read"))
                #expect(message.contains(reason), "\(message)")
                await #expect(throws: ClusterStateStoreError.self) {
                    try await FileClusterStateStore(path: path, logger: quietLogger).save(
                        sampleState())
                }
                #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
            }
        }
    }

    @Test("a state from a newer format is refused, naming both formats")
    func newerFormatRefused() async throws {
        try await withDirectory { directory in
            let path = directory.appending("etcd-state.json")
            try "{\"format\": 2, \"state\": {}}".write(
                toFile: path, atomically: false, encoding: .utf8)
            let error = await #expect(throws: ClusterStateStoreError.self) {
                try await FileClusterStateStore(path: path, logger: quietLogger).load()
            }
            #expect(error == .unsupportedFormat(location: "file \(path)", format: 2, supported: 1))
        }
    }

    @Test(
        "a crash between writing the temp file and the rename leaves the old state, and the leftover is removed"
    )
    func interruptedSave() async throws {
        try await withDirectory { directory in
            let path = directory.appending("etcd-state.json")
            try await FileClusterStateStore(path: path, logger: quietLogger).save(
                sampleState(epoch: 1))
            // What a scheduler killed mid-save leaves: a half-written temp file beside the state.
            let leftover = directory.appending(".etcd-state.json.tmp-4242-17")
            try "{\"format\": 1, \"state\": {\"clusterEpoch\": 2, \"tas".write(
                toFile: leftover, atomically: false, encoding: .utf8)
            let store = FileClusterStateStore(path: path, logger: quietLogger)
            #expect(try await store.load() == sampleState(epoch: 1))
            #expect(try files(in: directory.path) == ["etcd-state.json"])
            try await store.save(sampleState(epoch: 2))
            #expect(
                try await FileClusterStateStore(path: path, logger: quietLogger).load()
                    == sampleState(epoch: 2))
        }
    }

    @Test("clearing the framework drops its ID and tasks and keeps what the cluster was")
    func clearFramework() async throws {
        try await withDirectory { directory in
            let path = directory.appending("etcd-state.json")
            let store = FileClusterStateStore(path: path, logger: quietLogger)
            try await store.clearFramework()
            #expect(try await store.load() == nil)
            try await store.save(sampleState())
            try await store.clearFramework()
            var expected = sampleState()
            expected.frameworkID = nil
            expected.tasks = []
            let cleared = try await FileClusterStateStore(path: path, logger: quietLogger).load()
            #expect(cleared == expected)
            #expect(cleared?.mayHoldData == true)
        }
    }

    @Test("the factory makes a file store for a file location")
    func factory() async throws {
        try await withDirectory { directory in
            let path = directory.appending("s.json")
            let store = try await StateStoreFactory.make(
                .file(path: path), frameworkName: "etcd", logger: quietLogger)
            #expect(store.location == "file \(path)")
            try await store.save(sampleState())
            #expect(try await store.load() == sampleState())
            await store.close()
        }
    }
}

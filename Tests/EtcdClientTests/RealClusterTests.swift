import EtcdMesosTesting
import Testing

/// The client against real etcd clusters, once per installed etcd version (`EtcdBinaries.supported`).
///
/// Serialized, nested suites included: every cluster has three members, and the machine has two cores.
@Suite("Real etcd clusters", .serialized)
struct RealClusterTests {}

/// One three-member cluster per installed etcd version, started once for the suite it marks and stopped after
/// its last test. Tests find theirs with `SharedClusters.cluster(for:)` and keep to their own key prefixes.
struct SharedClusters: SuiteTrait, TestScoping {
    @TaskLocal static var byLabel: [String: EtcdCluster] = [:]

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await Self.withClusters(for: EtcdBinaries.supported[...], started: [:]) { clusters in
            try await Self.$byLabel.withValue(clusters, operation: function)
        }
    }

    private static func withClusters(
        for binaries: ArraySlice<EtcdBinaries>,
        started: [String: EtcdCluster],
        _ body: ([String: EtcdCluster]) async throws -> Void
    ) async throws {
        guard let next = binaries.first else { return try await body(started) }
        try await withEtcdCluster(members: 3, binaries: next) { cluster in
            try await withClusters(
                for: binaries.dropFirst(), started: started.merging([next.label: cluster]) { $1 },
                body)
        }
    }

    static func cluster(for binaries: EtcdBinaries) throws -> EtcdCluster {
        try #require(
            byLabel[binaries.label],
            "no shared cluster for \(binaries): is the suite marked .sharedClusters?")
    }
}

extension Trait where Self == SharedClusters {
    /// Runs the suite with one shared three-member cluster per installed etcd version.
    static var sharedClusters: Self { SharedClusters() }
}

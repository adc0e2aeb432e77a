import EtcdClient
import Foundation
import Logging

/// The cluster a backup is taken of, as the scheduler sees it at that moment: its name, its epoch, and the
/// members that are healthy enough to stream a snapshot from.
public struct BackupTarget: Sendable, Hashable {
    public var clusterName: String
    public var clusterEpoch: Int
    public var members: [BackupSourceCandidate]

    public init(clusterName: String, clusterEpoch: Int, members: [BackupSourceCandidate]) {
        self.clusterName = clusterName
        self.clusterEpoch = clusterEpoch
        self.members = members
    }
}

/// Takes one backup of a live cluster: asks every offered member for its status, picks the source
/// (`BackupSourceSelection`), streams its snapshot over gRPC and hands the stream to a `SnapshotArchiver`.
public struct EtcdSnapshotBackup: Sendable {
    public var archiver: SnapshotArchiver
    /// The deadline of each status call, and the longest the snapshot stream may go silent.
    public var callTimeout: Duration
    public var logger: Logger

    public init(archiver: SnapshotArchiver, callTimeout: Duration = .seconds(10), logger: Logger) {
        self.archiver = archiver
        self.callTimeout = callTimeout
        self.logger = logger
    }

    /// Takes a backup of `target` and returns its sidecar manifest. See `SnapshotArchiver.archive` for the
    /// callbacks; nothing is left in the directory when this throws.
    public func take(
        of target: BackupTarget,
        trigger: BackupTrigger? = nil,
        announce: @escaping @Sendable (String) async -> Void = { _ in },
        progress: (@Sendable (BackupProgress) async -> Void)? = nil
    ) async throws -> BackupManifest {
        let source = try await chooseSource(among: target.members)
        logger.info(
            "taking a backup",
            metadata: [
                "source": "\(source.candidate)", "revision": "\(source.status.revision)",
                "leader": "\(source.status.isLeader)",
            ])
        let startedAt = Date()
        do {
            return try await EtcdClient.withClient(
                endpoint: source.candidate.endpoint, callTimeout: callTimeout, logger: logger
            ) { client in
                try await client.snapshot { stream in
                    try await archiver.archive(
                        stream, announcedSize: stream.totalSize, from: source,
                        clusterName: target.clusterName,
                        clusterEpoch: target.clusterEpoch, trigger: trigger, startedAt: startedAt,
                        announce: announce,
                        progress: progress)
                }
            }
        } catch let error as BackupError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw BackupError.streamFailed(endpoint: source.candidate.endpoint, reason: "\(error)")
        }
    }

    /// Asks every candidate for its status at once and picks the best one that answered.
    public func chooseSource(among candidates: [BackupSourceCandidate]) async throws
        -> SnapshotSource
    {
        guard !candidates.isEmpty else {
            throw BackupError.noSourceAvailable(reason: "the scheduler knows no healthy member")
        }
        let timeout = callTimeout
        let answers = await withTaskGroup(of: (Int, Result<EtcdStatus, any Error>).self) { group in
            for (index, candidate) in candidates.enumerated() {
                group.addTask {
                    do {
                        let status = try await EtcdClient.withClient(
                            endpoint: candidate.endpoint, callTimeout: timeout
                        ) { client in try await client.status() }
                        return (index, .success(status))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers: [(Int, Result<EtcdStatus, any Error>)] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }
        }
        try Task.checkCancellation()
        var answered: [SnapshotSource] = []
        var failures: [String] = []
        for (index, result) in answers {
            switch result {
            case .success(let status):
                answered.append(SnapshotSource(candidate: candidates[index], status: status))
            case .failure(let error): failures.append("\(candidates[index]): \(error)")
            }
        }
        guard let chosen = BackupSourceSelection.choose(from: answered) else {
            throw BackupError.noSourceAvailable(
                reason: "no member answered: " + failures.joined(separator: "; "))
        }
        return chosen
    }
}

import Foundation
import Logging
import Synchronization

/// Leadership among scheduler instances sharing a state file: an exclusive `flock` on `<state file>.lock`.
///
/// The kernel drops the lock when the holder's process ends however it ends (SIGKILL included), so a standby,
/// which tries again every `pollInterval`, takes over at once. The descriptor is close-on-exec, so no child
/// process (local agents' executors) keeps the lock alive after the scheduler dies. The leader writes who it
/// is into the file, for the standbys' `/stats`, and checks that the path still names the file it locked: a
/// lock file deleted and made again would let a second instance lock a different file.
struct FileLockElection: SchedulerElection {
    let lockPath: String
    var pollInterval: Duration = .milliseconds(250)
    let logger: Logger

    var location: String { "lock file \(lockPath)" }

    init(lockPath: String, logger: Logger) {
        self.lockPath = lockPath
        self.logger = logger
    }

    func acquire(status: StandbyStatus) async throws -> any LeadershipTerm {
        let directory = (lockPath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        }
        var announced = false
        while true {
            if let term = try tryLock() { return term }
            let leader = Self.holder(of: lockPath)
            if !announced {
                logger.notice(
                    "standby: another scheduler instance holds the lock; waiting to take over",
                    metadata: ["lock": "\(lockPath)", "leader": "\(leader ?? "unknown")"])
                announced = true
            }
            status.waiting(leader: leader)
            try await Task.sleep(for: pollInterval)
        }
    }

    /// The term if the lock was free, nil if another process holds it.
    private func tryLock() throws -> FileLockTerm? {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SchedulerElectionError.lockFile(
                path: lockPath, operation: "open", reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK || code == EINTR { return nil }
            throw SchedulerElectionError.lockFile(
                path: lockPath, operation: "lock", reason: String(cString: strerror(code)))
        }
        // The file at the path may have been replaced between open and flock: then lock the new one.
        guard FileLockTerm.names(lockPath, descriptor) else {
            close(descriptor)
            return nil
        }
        let term = FileLockTerm(descriptor: descriptor, path: lockPath, location: location)
        let who = Data((SchedulerElectionFactory.instanceDescription + "\n").utf8)
        _ = ftruncate(descriptor, 0)
        _ = who.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        logger.notice("leading: holding the scheduler lock", metadata: ["lock": "\(lockPath)"])
        return term
    }

    /// What the leader wrote into the lock file.
    static func holder(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data.prefix(200), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// A held `flock`: released by closing the descriptor (or by the process ending). The descriptor is closed
/// once: closing it twice could close another file that reused its number (a socket of the HTTP servers).
final class FileLockTerm: LeadershipTerm {
    private let descriptor: Mutex<Int32?>
    private let path: String
    private let location: String

    init(descriptor: Int32, path: String, location: String) {
        self.descriptor = Mutex(descriptor)
        self.path = path
        self.location = location
    }

    /// Whether `path` is still the file whose descriptor holds the lock.
    func stillNamesLockedFile() -> Bool {
        descriptor.withLock { descriptor in descriptor.map { Self.names(path, $0) } ?? false }
    }

    /// Whether `path` names the file open as `descriptor`.
    static func names(_ path: String, _ descriptor: Int32) -> Bool {
        var held = stat()
        var named = stat()
        guard fstat(descriptor, &held) == 0, stat(path, &named) == 0 else { return false }
        return held.st_ino == named.st_ino && held.st_dev == named.st_dev
    }

    func watchForLoss() async throws {
        while true {
            try await Task.sleep(for: .seconds(1))
            if !stillNamesLockedFile() {
                throw SchedulerElectionError.leadershipLost(
                    location: location,
                    reason: "the lock file was deleted or replaced, so another instance may lock it"
                )
            }
        }
    }

    func release() async {
        descriptor.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }
}

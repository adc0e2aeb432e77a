import EtcdMesosTesting
import Foundation
import Logging
import Synchronization
import ZooKeeper

/// A client for `server` whose log stays quiet unless something is badly wrong.
func connectQuietly(
    _ connectString: String, resuming: ZooKeeperSessionCredentials? = nil,
    sessionTimeout: Duration = .seconds(10),
    connectTimeout: Duration = .seconds(10)
) async throws -> ZooKeeperClient {
    var logger = Logger(label: "zookeeper-test")
    logger.logLevel = .critical
    return try await ZooKeeperClient.connect(
        connectString, resuming: resuming, sessionTimeout: sessionTimeout,
        connectTimeout: connectTimeout,
        logger: logger)
}

/// Runs `body` with a connected client that is closed afterwards, whether `body` throws or not.
func withClient<T>(
    _ connectString: String,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (ZooKeeperClient) async throws -> T
) async throws -> T {
    let client = try await connectQuietly(connectString)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// The result of `operation`, or `DeadlinePassed` naming `what` if it takes longer than `timeout`.
func within<T: Sendable>(
    _ timeout: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DeadlinePassed(what: what, timeout: timeout)
        }
        return value
    }
}

struct DeadlinePassed: Error, CustomStringConvertible {
    let what: String
    let timeout: Duration
    var description: String { "\(what) did not happen within \(timeout)" }
}

/// Everything one `sessionEvents` stream yields, recorded in the background so tests can poll it.
final class SessionEventRecorder: Sendable {
    private final class Log: Sendable {
        let events = Mutex<[ZooKeeperSessionEvent]>([])
        let finished = Mutex(false)
    }
    private let log = Log()
    private let task: Task<Void, Never>

    init(_ events: AsyncStream<ZooKeeperSessionEvent>) {
        task = Task { [log] in
            for await event in events { log.events.withLock { $0.append(event) } }
            log.finished.withLock { $0 = true }
        }
    }

    deinit { task.cancel() }

    var events: [ZooKeeperSessionEvent] { log.events.withLock { $0 } }
    var streamFinished: Bool { log.finished.withLock { $0 } }
}

extension Data {
    init(_ text: String) { self.init(text.utf8) }
}

import CZooKeeper
import Foundation
import Logging

// The one place where libzookeeper calls back into Swift.
//
// libzookeeper_mt runs two threads per handle: an I/O thread and a completion thread. Every completion,
// watcher and session event below arrives on the completion thread (or, while `zookeeper_close` runs, on the
// closing thread, with `ZCLOSING`). Contexts travel as `Unmanaged` pointers:
// - a request's `PendingRequest` is retained when submitted and released by its completion, which libzookeeper
//   calls exactly once for every request it accepted;
// - a watch's `WatchSignal` is passed unretained; `SessionMonitor` keeps it alive until it fires or the
//   handle is closed (libzookeeper never calls a watcher after `zookeeper_close` returns);
// - the `SessionMonitor` is retained for the global watcher and released after `zookeeper_close`.

/// Opening a handle and releasing its global watcher context.
enum CallbackBridge {
    /// Why `zookeeper_init2` returned no handle.
    struct InitFailure: Error {
        var errno: Int32
    }

    /// `zookeeper_init2` with the global watcher bound to `monitor`.
    static func initialize(
        connectString: String, sessionTimeoutMilliseconds: Int32,
        resuming: ZooKeeperSessionCredentials?,
        monitor: SessionMonitor
    ) -> Result<OpaquePointer, InitFailure> {
        // Process-wide; warnings and errors only, and they go through `libraryLogged` rather than to stderr.
        zoo_set_debug_level(ZOO_LOG_LEVEL_WARN)
        let context = Unmanaged.passRetained(monitor).toOpaque()
        var clientID = clientid_t()  // session ID 0 asks for a new session
        if let resuming {
            clientID.client_id = resuming.sessionID
            withUnsafeMutableBytes(of: &clientID.passwd) { bytes in
                for (index, byte) in resuming.password.prefix(bytes.count).enumerated() {
                    bytes[index] = byte
                }
            }
        }
        let handle = zookeeper_init2(
            connectString, sessionWatcher, sessionTimeoutMilliseconds, &clientID, context, 0,
            libraryLogged)
        guard let handle else {
            let code = errno
            Unmanaged<SessionMonitor>.fromOpaque(context).release()
            return .failure(InitFailure(errno: code))
        }
        return .success(handle)
    }

    /// Balances the retain of `initialize`; call only after `zookeeper_close` has returned.
    static func releaseContext(of monitor: SessionMonitor) {
        Unmanaged.passUnretained(monitor).release()
    }
}

// MARK: - Requests

/// A request waiting for its completion; resumes its caller exactly once.
final class PendingRequest<Value: Sendable>: Sendable {
    let request: ZooKeeperRequest
    let continuation: CheckedContinuation<Value, any Error>
    let watch: WatchSignal?
    let monitor: SessionMonitor

    init(
        request: ZooKeeperRequest, continuation: CheckedContinuation<Value, any Error>,
        watch: WatchSignal?,
        monitor: SessionMonitor
    ) {
        self.request = request
        self.continuation = continuation
        self.watch = watch
        self.monitor = monitor
    }

    /// Called by a completion trampoline. `code` is `ZOK` exactly when libzookeeper set the watch (if any).
    static func finish(_ context: UnsafeRawPointer?, code: Int32, value: () -> Value) {
        guard let context else { return }
        let pending = Unmanaged<PendingRequest<Value>>.fromOpaque(context).takeRetainedValue()
        if code == ZOK.rawValue {
            pending.continuation.resume(returning: value())
        } else {
            pending.fail(code: code)
        }
    }

    func fail(code: Int32) {
        if let watch { monitor.unregister(watch) }
        continuation.resume(throwing: request.error(code: code))
    }
}

extension ZooKeeperHandle {
    /// Submits one asynchronous request and waits for its completion.
    ///
    /// `submit` calls a `zoo_a…` function with the handle and the context to hand to the completion; when the
    /// request carries a watch, `watch` is registered first so it can never be called back before it is known.
    private func perform<Value: Sendable>(
        _ request: ZooKeeperRequest,
        watch: WatchSignal? = nil,
        submit: (OpaquePointer, UnsafeRawPointer) -> Int32
    ) async throws -> Value {
        if let watch, !monitor.register(watch) {
            throw isClosed ? ZooKeeperError.closed : ZooKeeperError.sessionExpired
        }
        return try await withCheckedThrowingContinuation { continuation in
            let pending = PendingRequest<Value>(
                request: request, continuation: continuation, watch: watch, monitor: monitor)
            let context = UnsafeRawPointer(Unmanaged.passRetained(pending).toOpaque())
            let code: Int32
            do {
                code = try withOpenHandle { submit($0, context) }
            } catch {
                code = ZCLOSING.rawValue
            }
            // A request libzookeeper refused up front never reaches its completion.
            if code != ZOK.rawValue {
                Unmanaged<PendingRequest<Value>>.fromOpaque(context).release()
                pending.fail(code: code)
            }
        }
    }

    func create(_ path: String, data: Data, flags: Int32) async throws -> String {
        try await perform(ZooKeeperRequest(operation: "create", path: path)) { zh, context in
            data.withUnsafeBytes { bytes in
                zoo_acreate(
                    zh, path, bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count),
                    czk_open_acl_unsafe(), flags,
                    { code, createdPath, context in
                        PendingRequest<String>.finish(context, code: code) {
                            createdPath.map { String(cString: $0) } ?? ""
                        }
                    }, context)
            }
        }
    }

    func delete(_ path: String, version: Int32?) async throws {
        let request = ZooKeeperRequest(operation: "delete", path: path, expectedVersion: version)
        try await perform(request) { zh, context in
            zoo_adelete(
                zh, path, version ?? -1,
                { code, context in PendingRequest<Void>.finish(context, code: code) {} }, context)
        } as Void
    }

    func set(_ path: String, data: Data, version: Int32?) async throws -> ZooKeeperStat {
        let request = ZooKeeperRequest(operation: "set", path: path, expectedVersion: version)
        return try await perform(request) { zh, context in
            data.withUnsafeBytes { bytes in
                zoo_aset(
                    zh, path, bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count),
                    version ?? -1,
                    { code, stat, context in
                        PendingRequest<ZooKeeperStat>.finish(context, code: code) {
                            ZooKeeperStat(stat)
                        }
                    }, context)
            }
        }
    }

    func get(_ path: String, watch: WatchSignal?) async throws -> (data: Data, stat: ZooKeeperStat)
    {
        try await perform(ZooKeeperRequest(operation: "get", path: path), watch: watch) {
            zh, context in
            let completion: data_completion_t = { code, value, length, stat, context in
                PendingRequest<(data: Data, stat: ZooKeeperStat)>.finish(context, code: code) {
                    // A node created without data reports length -1.
                    let data = value.map { Data(bytes: $0, count: Int(max(length, 0))) } ?? Data()
                    return (data, ZooKeeperStat(stat))
                }
            }
            guard let watch else { return zoo_aget(zh, path, 0, completion, context) }
            return zoo_awget(zh, path, watchFired, watchContext(watch), completion, context)
        }
    }

    func exists(_ path: String, watch: WatchSignal?) async throws -> ZooKeeperStat? {
        try await perform(ZooKeeperRequest(operation: "exists", path: path), watch: watch) {
            zh, context in
            // A missing node is an answer, not an error; an exists-watch is set in that case too.
            let completion: stat_completion_t = { code, stat, context in
                let found = code == ZOK.rawValue
                PendingRequest<ZooKeeperStat?>.finish(
                    context, code: code == ZNONODE.rawValue ? ZOK.rawValue : code
                ) {
                    found ? ZooKeeperStat(stat) : nil
                }
            }
            guard let watch else { return zoo_aexists(zh, path, 0, completion, context) }
            return zoo_awexists(zh, path, watchFired, watchContext(watch), completion, context)
        }
    }

    func children(_ path: String, watch: WatchSignal?) async throws -> [String] {
        try await perform(ZooKeeperRequest(operation: "children", path: path), watch: watch) {
            zh, context in
            let completion: strings_completion_t = { code, strings, context in
                PendingRequest<[String]>.finish(context, code: code) {
                    guard let strings, let names = strings.pointee.data else { return [] }
                    return (0..<Int(strings.pointee.count)).compactMap { index in
                        names[index].map { String(cString: $0) }
                    }
                }
            }
            guard let watch else { return zoo_aget_children(zh, path, 0, completion, context) }
            return zoo_awget_children(
                zh, path, watchFired, watchContext(watch), completion, context)
        }
    }
}

private func watchContext(_ watch: WatchSignal) -> UnsafeMutableRawPointer {
    Unmanaged.passUnretained(watch).toOpaque()
}

// MARK: - Watchers

/// The global watcher: session state changes of the handle whose context is a `SessionMonitor`.
private func sessionWatcher(
    _ zh: OpaquePointer?, _ type: Int32, _ state: Int32, _ path: UnsafePointer<CChar>?,
    _ context: UnsafeMutableRawPointer?
) {
    guard type == ZOO_SESSION_EVENT, let zh, let context else { return }
    let monitor = Unmanaged<SessionMonitor>.fromOpaque(context).takeUnretainedValue()
    switch state {
    case ZOO_CONNECTED_STATE, ZOO_READONLY_STATE:
        var clientID = zoo_client_id(zh)?.pointee ?? clientid_t()
        let credentials = ZooKeeperSessionCredentials(
            sessionID: clientID.client_id,
            password: withUnsafeBytes(of: &clientID.passwd) { Array($0) })
        let server = zoo_get_current_server(zh).map { String(cString: $0) } ?? "unknown"
        monitor.connected(credentials: credentials, server: server)
    case ZOO_CONNECTING_STATE, ZOO_ASSOCIATING_STATE:
        monitor.suspended()
    case ZOO_EXPIRED_SESSION_STATE:
        monitor.expired(authFailed: false)
    case ZOO_AUTH_FAILED_STATE:
        monitor.expired(authFailed: true)
    default:
        break
    }
}

/// A one-shot watch set by `zoo_aw…`; its context is the `WatchSignal`.
private func watchFired(
    _ zh: OpaquePointer?, _ type: Int32, _ state: Int32, _ path: UnsafePointer<CChar>?,
    _ context: UnsafeMutableRawPointer?
) {
    // Session events reach every watch too; the monitor ends watches itself when the session is lost, and a
    // watch outlives a mere disconnection.
    guard type != ZOO_SESSION_EVENT, let zh, let context else { return }
    let signal = Unmanaged<WatchSignal>.fromOpaque(context).takeUnretainedValue()
    let kind: ZooKeeperWatchEvent.Kind
    switch type {
    case ZOO_CREATED_EVENT: kind = .created
    case ZOO_DELETED_EVENT: kind = .deleted
    case ZOO_CHANGED_EVENT: kind = .dataChanged
    case ZOO_CHILD_EVENT: kind = .childrenChanged
    default: kind = .sessionLost
    }
    // libzookeeper has dropped this watcher before calling it, so it will not call it again.
    if let monitorContext = zoo_get_context(zh) {
        Unmanaged<SessionMonitor>.fromOpaque(monitorContext).takeUnretainedValue().unregister(
            signal)
    }
    signal.fire(ZooKeeperWatchEvent(kind: kind, path: signal.path))
}

// MARK: - Logging

/// libzookeeper's own log lines (warnings and errors), as debug messages of the logger `zookeeper.libzookeeper`.
///
/// The C callback carries no context, so it cannot reach the client's logger; what a caller can act on is
/// reported by the Swift layer (session events on the client's logger, typed errors), so these stay quiet
/// unless that label is enabled at debug level.
private func libraryLogged(_ message: UnsafePointer<CChar>?) {
    guard let message else { return }
    var text = String(cString: message)
    while text.last == "\n" { text.removeLast() }
    // "2024-05-01 12:00:00,000:123(0x7f…):ZOO_ERROR@function@123: the message"
    var level = "unknown"
    if let tag = text.range(of: "):ZOO_") {
        let rest = text[tag.upperBound...]
        level = String(rest.prefix { $0 != "@" })
        if let separator = rest.range(of: ": ") { text = String(rest[separator.upperBound...]) }
    }
    Logger(label: "zookeeper.libzookeeper").debug("\(text)", metadata: ["level": "\(level)"])
}

extension ZooKeeperStat {
    init(_ stat: UnsafePointer<Stat>?) {
        let stat = stat?.pointee ?? Stat()
        self.init(
            czxid: stat.czxid, mzxid: stat.mzxid, pzxid: stat.pzxid, ctime: stat.ctime,
            mtime: stat.mtime,
            version: stat.version, cversion: stat.cversion, aversion: stat.aversion,
            ephemeralOwner: stat.ephemeralOwner, dataLength: stat.dataLength,
            numChildren: stat.numChildren)
    }
}

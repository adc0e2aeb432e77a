import Crypto
import Foundation
import Reconciler

/// The secrets the scheduler hands its executors in `TaskInfo.data` (`reseedSecret`): an executor's reseed
/// listener accepts a reseed only with its task's secret, and the executor presents it when it downloads a backup.
///
/// Each task's secret is an HMAC-SHA256 of its task ID under one key of 32 random bytes that the scheduler creates
/// before its first launch and persists with the cluster state (`PersistedClusterState.executorSecretKey`), so a
/// restarted or failed-over scheduler still reseeds the members it launched. A secret per task, rather than one per
/// cluster epoch: a reseed starts a new epoch but orders a member launched in an older one, which must still
/// accept it; and a secret that leaks from one sandbox opens that member's listener only.
struct ExecutorSecrets: Sendable {
    private let key: SymmetricKey

    /// `key` as persisted: base64url of 32 random bytes.
    init?(key: String) {
        guard let bytes = Self.base64URLDecoded(key), bytes.count == 32 else { return nil }
        self.key = SymmetricKey(data: bytes)
    }

    /// The secret of `taskID`'s executor: 32 bytes, base64url (43 characters).
    func secret(for taskID: TaskID) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("etcd-mesos executor secret\n\(taskID.rawValue)".utf8), using: key)
        return Self.base64URL(Data(code))
    }

    /// The task among `tasks` whose secret `presented` is, compared in constant time; nil when none. For an
    /// endpoint that wants to accept an executor's secret (the admin API's backup download, say).
    func task(presenting presented: String, among tasks: [TaskID]) -> TaskID? {
        let digest = SHA256.hash(data: Data(presented.utf8))
        var found: TaskID?
        for task in tasks where SHA256.hash(data: Data(secret(for: task).utf8)) == digest {
            found = task
        }
        return found
    }

    /// A new key: 32 bytes from the system's random number generator, base64url.
    static func newKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(
            Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    /// `state` with a key, creating one when it has none (a new framework, or state written before keys).
    static func ensuringKey(in state: PersistedClusterState?) -> PersistedClusterState {
        var state = state ?? PersistedClusterState()
        if state.executorSecretKey.flatMap(ExecutorSecrets.init(key:)) == nil {
            state.executorSecretKey = newKey()
        }
        return state
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecoded(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

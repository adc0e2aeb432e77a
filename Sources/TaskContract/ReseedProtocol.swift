/// The executor's reseed listener, on the task's reseed port (`httpPort` in the task data).
///
/// `POST /reseed` asks the executor to stop etcd and start it once more on the same data dir with
/// `--force-new-cluster`, making it the one-member seed of a new cluster (docs/original-behaviour.md §5.7, option A).
/// Later restarts of etcd run without the flag. The executor answers when etcd runs again:
/// 200 `{"status":"reseeded"}`, or a JSON `{"error":"…"}` naming what failed or why it refused. `GET /reseed` is
/// answered 405: a reseed is too dangerous for a method that crawlers and browsers send on their own.
///
/// A reseed needs `Authorization: Bearer <secret>` with the task's `reseedSecret` (401 without it, with another
/// one, or when the task has none), and is refused (409, naming the leader) while the member sees a leader: a
/// reseed is for a cluster that lost its quorum, never for a healthy one.
public enum ReseedProtocol {
    public static let path = "/reseed"
    public static let method = "POST"
    /// The `Authorization` scheme of the reseed secret (compared case-insensitively).
    public static let authorizationScheme = "Bearer"

    /// The `Authorization` header value that presents `secret`.
    public static func authorization(_ secret: String) -> String {
        "\(authorizationScheme) \(secret)"
    }
}

/// The executor's reseed listener, on the task's reseed port (`httpPort` in the task data).
///
/// `POST /reseed` asks the executor to stop etcd and start it once more on the same data dir with
/// `--force-new-cluster`, making it the one-member seed of a new cluster (docs/original-behaviour.md §5.7, option A).
/// Later restarts of etcd run without the flag. The executor answers when etcd runs again:
/// 200 `{"status":"reseeded"}`, or a 5xx JSON `{"error":"…"}` naming what failed. `GET /reseed` is answered
/// 405: a reseed is too dangerous for a method that crawlers and browsers send on their own.
public enum ReseedProtocol {
    public static let path = "/reseed"
    public static let method = "POST"
}

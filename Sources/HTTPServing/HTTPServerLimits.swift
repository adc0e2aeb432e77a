/// How long a server keeps a silent connection, and how many it keeps open, so that idle sockets cannot use up
/// the process's file descriptors. Every `HTTPServer` has limits: the standard ones for the admin, artifact
/// and reseed servers, `longLivedStreams` for local Mesos.
///
/// A connection is idle while no request is in progress on it: a long response (a Mesos event stream, a backup
/// download) is never cut by the idle timeout, and never evicted at the cap.
public struct HTTPServerLimits: Sendable, Hashable {
    /// A connection with no request in progress for this long is closed; `nil`: never.
    public var idleTimeout: Duration?
    /// The most connections open at once. At the cap a new connection takes the place of the one idle longest;
    /// when every connection has a request in progress, the new one is closed at once.
    public var maxConnections: Int

    public init(idleTimeout: Duration?, maxConnections: Int) {
        self.idleTimeout = idleTimeout
        self.maxConnections = max(1, maxConnections)
    }

    /// The admin API, the artifact server and the reseed listener: a minute of silence, 256 connections.
    public static let standard = HTTPServerLimits(idleTimeout: .seconds(60), maxConnections: 256)

    /// Servers whose clients keep long-lived streams and reuse connections between calls (local Mesos: the
    /// scheduler's subscription and calls, executors' subscriptions and updates, 15 s heartbeats). Their streams
    /// are requests in progress, so they are never idle; five minutes covers the calls between them.
    public static let longLivedStreams = HTTPServerLimits(
        idleTimeout: .seconds(300), maxConnections: 1024)
}

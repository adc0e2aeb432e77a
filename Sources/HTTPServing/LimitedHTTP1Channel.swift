import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with a `ConnectionLimiter` in front: each accepted connection is counted
/// in (or refused at the cap when every connection is busy), and each request marks its connection busy from its
/// head to its response's last byte, so the limiter evicts only idle connections. The idle timeout is
/// Hummingbird's own (`HTTP1Channel.Configuration.idleTimeout`), which also spares a response in progress.
struct LimitedHTTP1Channel: ServerChildChannel {
    /// An accepted connection, and whether the limiter let it in.
    struct Connection: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        let admitted: Bool
        var channel: any Channel { http.channel }
    }

    private let http1: HTTP1Channel
    private let limiter: ConnectionLimiter

    init(
        responder: @escaping HTTPChannelHandler.Responder,
        configuration: HTTP1Channel.Configuration, limiter: ConnectionLimiter
    ) {
        self.limiter = limiter
        http1 = HTTP1Channel(
            responder: { request, writer, channel in
                limiter.requestStarted(on: channel)
                defer { limiter.requestEnded(on: channel) }
                try await responder(request, writer, channel)
            }, configuration: configuration)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        // A failed setup would end the server's accept loop, so a refused connection is set up like any other
        // and closed by `handle` at once.
        let admitted = limiter.admit(channel)
        return http1.setup(channel: channel, logger: logger).map {
            Connection(http: $0, admitted: admitted)
        }
    }

    func handle(value: Connection, logger: Logger) async {
        guard value.admitted else {
            logger.debug(
                "connection refused: every connection has a request in progress",
                metadata: ["limit": "\(limiter.maximum)"])
            try? await value.http.executeThenClose { _, _ in }
            return
        }
        await http1.handle(value: value.http, logger: logger)
    }
}

import NIOCore

/// Closes a connection as soon as the client stops sending (EOF), as libprocess does.
///
/// Hummingbird allows half-closed connections, so without this a scheduler that goes away would be noticed
/// only when the next heartbeat fails to write, up to 15 s later; Mesos marks it disconnected at once.
final class CloseOnInputClosedHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

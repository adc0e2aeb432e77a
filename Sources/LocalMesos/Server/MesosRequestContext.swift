import Hummingbird
import NIOCore

/// The request context of the local master's and agents' HTTP servers: Hummingbird's core context plus the
/// connection's channel, whose closing ends a subscription stream.
public struct MesosRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    public var maxUploadSize: Int { 16 * 1024 * 1024 }
}

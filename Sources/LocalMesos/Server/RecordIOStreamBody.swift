import Hummingbird
import MesosAPI
import NIOCore

/// The body of a streaming v1 response (scheduler SUBSCRIBE, executor SUBSCRIBE): each event as Mesos JSON,
/// RecordIO-framed, written as it comes; `onClose` runs when the stream ends or the client goes away.
enum RecordIOStreamBody {
    static func make<Event: Encodable & Sendable>(
        _ events: AsyncStream<Event>, onClose: @escaping @Sendable () -> Void
    ) -> ResponseBody {
        ResponseBody { writer in
            defer { onClose() }
            for await event in events {
                try await writer.write(ByteBuffer(bytes: try RecordIOWriter.frame(encoding: event)))
            }
            try await writer.finish(nil)
        }
    }
}

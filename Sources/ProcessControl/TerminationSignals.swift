@preconcurrency import Dispatch
import Foundation

/// SIGTERM and SIGINT as an awaitable event, instead of their default of killing the process (which would
/// leave executors running).
public final class TerminationSignals: @unchecked Sendable {
    // The sources are only kept alive here, never touched after init.
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    public init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Waits for the next SIGTERM or SIGINT and returns its number.
    public func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}

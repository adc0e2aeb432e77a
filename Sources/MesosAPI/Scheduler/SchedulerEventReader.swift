import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

/// Reads a subscription's event stream: the first event (`SUBSCRIBED`, or an `ERROR` refusing the
/// subscription) goes to `first`, every later one to `events`. Both end with a `SchedulerClientError` when the
/// connection breaks, the master closes the stream, or no event (HEARTBEAT included) arrives for
/// `missedHeartbeats` heartbeat intervals; they end without error when the reader is cancelled.
struct SchedulerEventReader: Sendable {
    var body: HTTPClientResponse.Body
    var master: String
    var missedHeartbeats: Int
    var first: AsyncThrowingStream<SchedulerEvent.Subscribed, any Error>.Continuation
    var events: AsyncThrowingStream<SchedulerEvent, any Error>.Continuation
    var logger: Logger

    /// Runs until the stream ends or the task is cancelled.
    func run() async {
        let watch = HeartbeatWatch()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await read(watch: watch) }
            group.addTask { await watchHeartbeats(watch) }
            await group.next()
            group.cancelAll()
        }
    }

    private func read(watch: HeartbeatWatch) async {
        do {
            var sawSubscribed = false
            for try await record in body.recordIORecords() {
                watch.heard()
                let event = try MesosJSON.decode(SchedulerEvent.self, from: record)
                guard sawSubscribed else {
                    switch event {
                    case .subscribed(let subscribed):
                        sawSubscribed = true
                        let interval = subscribed.heartbeatIntervalSeconds ?? 15
                        watch.expect(
                            every: .milliseconds(Int64(interval * 1000)) * max(missedHeartbeats, 1))
                        first.yield(subscribed)
                        first.finish()
                    case .error(let message):
                        throw SchedulerClientError.errorEvent(
                            master: master, message: message.message)
                    default:
                        logger.debug(
                            "event before SUBSCRIBED ignored", metadata: ["event": "\(event)"])
                    }
                    continue
                }
                events.yield(event)
            }
            end(SchedulerClientError.streamEnded(master: master, reason: "the master closed it"))
        } catch is CancellationError {
            first.finish(throwing: CancellationError())
            events.finish()
        } catch let error as SchedulerClientError {
            end(error)
        } catch {
            if Task.isCancelled {
                first.finish(throwing: CancellationError())
                events.finish()
                return
            }
            end(SchedulerClientError.streamEnded(master: master, reason: "\(error)"))
        }
    }

    /// The heartbeat watchdog: a silent connection is a lost one.
    private func watchHeartbeats(_ watch: HeartbeatWatch) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            if let silent = watch.silenceBeyondLimit() {
                end(SchedulerClientError.heartbeatsMissed(master: master, silentFor: silent))
                return
            }
        }
    }

    private func end(_ error: SchedulerClientError) {
        first.finish(throwing: error)
        events.finish(throwing: error)
    }
}

/// When the last event arrived, and how long a silence means a lost connection (unknown until SUBSCRIBED).
final class HeartbeatWatch: Sendable {
    private let state = Mutex<(last: ContinuousClock.Instant, limit: Duration?)>((.now, nil))

    func heard() { state.withLock { $0.last = .now } }
    func expect(every limit: Duration) { state.withLock { $0.limit = limit } }

    /// The silence so far, when it exceeds the limit.
    func silenceBeyondLimit() -> Duration? {
        state.withLock { state in
            let silent = ContinuousClock.now - state.last
            guard let limit = state.limit, silent > limit else { return nil }
            return silent
        }
    }
}

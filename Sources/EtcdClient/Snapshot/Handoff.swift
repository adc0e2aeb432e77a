import Synchronization

/// A one-slot rendezvous between one producing task and one consuming task.
///
/// `send` returns only once the consumer has taken the element, so the producer is never more than one element
/// ahead: memory stays bounded however fast the producer is. Either side can end it: the producer with
/// `finish`, the consumer with `close`; the other side then sees the end (or the error) instead of waiting.
/// Both waits end with `CancellationError` when their task is cancelled.
final class Handoff<Element: Sendable>: Sendable {
    private struct State {
        var offered: Element?
        var producer: CheckedContinuation<Void, any Error>?
        var consumer: CheckedContinuation<Element?, any Error>?
        /// Set once: `.success` for a clean end, `.failure` for an error the consumer still has to see.
        var end: Result<Void, any Error>?
    }

    private let state = Mutex(State())

    private enum SendAction {
        case resumeConsumer(CheckedContinuation<Element?, any Error>)
        case fail
        case wait
    }

    private enum ReceiveAction {
        case take(Element, CheckedContinuation<Void, any Error>?)
        case end(Result<Void, any Error>)
        case cancelled
        case wait
    }

    /// Hands `element` to the consumer and waits until it has taken it.
    /// Throws `CancellationError` if the consumer has closed the handoff or this task is cancelled.
    func send(_ element: Element) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let action: SendAction = state.withLock { state in
                    if state.end != nil || Task.isCancelled { return .fail }
                    if let consumer = state.consumer {
                        state.consumer = nil
                        return .resumeConsumer(consumer)
                    }
                    state.offered = element
                    state.producer = continuation
                    return .wait
                }
                switch action {
                case .resumeConsumer(let consumer):
                    consumer.resume(returning: element)
                    continuation.resume()
                case .fail: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let producer = state.withLock { state in
                state.offered = nil
                defer { state.producer = nil }
                return state.producer
            }
            producer?.resume(throwing: CancellationError())
        }
    }

    /// Ends the handoff from the producer's side: the consumer gets `nil` (or `error`, once) after what it took.
    func finish(throwing error: (any Error)? = nil) {
        let (consumer, producer) = state.withLock { state in
            if state.end == nil { state.end = error.map { .failure($0) } ?? .success(()) }
            defer { (state.consumer, state.producer, state.offered) = (nil, nil, nil) }
            return (state.consumer, state.producer)
        }
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
        producer?.resume(throwing: CancellationError())
    }

    /// Ends the handoff from the consumer's side: a waiting or later `send` throws `CancellationError`.
    func close() {
        let producer = state.withLock { state in
            if state.end == nil { state.end = .success(()) }
            defer { (state.producer, state.offered) = (nil, nil) }
            return state.producer
        }
        producer?.resume(throwing: CancellationError())
    }

    /// The next element, or `nil` after the producer finished. Rethrows the producer's error once.
    func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Element?, any Error>) in
                let action: ReceiveAction = state.withLock { state in
                    if let element = state.offered {
                        state.offered = nil
                        defer { state.producer = nil }
                        return .take(element, state.producer)
                    }
                    if let end = state.end {
                        // An error is reported once; afterwards the sequence is simply over.
                        state.end = .success(())
                        return .end(end)
                    }
                    if Task.isCancelled { return .cancelled }
                    state.consumer = continuation
                    return .wait
                }
                switch action {
                case .take(let element, let producer):
                    producer?.resume()
                    continuation.resume(returning: element)
                case .end(.success): continuation.resume(returning: nil)
                case .end(.failure(let error)): continuation.resume(throwing: error)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let consumer = state.withLock { state in
                defer { state.consumer = nil }
                return state.consumer
            }
            consumer?.resume(throwing: CancellationError())
        }
    }
}

/// Polls `condition` until it is true, or throws `EventuallyTimedOut` naming `what` once `timeout` has passed.
///
/// Errors thrown by `condition` count as "not yet"; the last one is reported if the deadline passes.
public func eventually(
    timeout: Duration = .seconds(10),
    poll: Duration = .milliseconds(50),
    _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if try await condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        if clock.now >= deadline {
            throw EventuallyTimedOut(
                what: what, timeout: timeout, lastError: lastError.map { "\($0)" })
        }
        try await Task.sleep(for: poll)
    }
}

/// A condition was not met before its deadline.
public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public let lastError: String?
    public var description: String {
        "timed out after \(timeout) waiting for \(what)"
            + (lastError.map { " (last error: \($0))" } ?? "")
    }
}

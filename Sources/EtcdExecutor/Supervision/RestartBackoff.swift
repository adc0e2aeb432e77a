/// The original's wait before restarting an etcd that exited: 0, 1, 2, 3, 4, 4, … seconds.
public struct RestartBackoff: Sendable, Equatable {
    public var step: Duration
    public var maximum: Duration

    public init(step: Duration = .seconds(1), maximum: Duration = .seconds(4)) {
        self.step = step
        self.maximum = maximum
    }

    /// The wait before restart number `restart` (0 for the first restart after the launch).
    public func delay(beforeRestart restart: Int) -> Duration {
        min(step * max(restart, 0), maximum)
    }
}

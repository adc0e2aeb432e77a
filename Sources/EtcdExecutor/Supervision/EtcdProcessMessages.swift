import TaskContract

/// What the executor's state machine asks of etcd's processes; `EtcdSupervisor` carries it out.
///
/// Processes are numbered by generation (see `EtcdSupervision`), so an answer about an older
/// process is recognised as such.
public enum EtcdProcessCommand: Sendable, Equatable {
    /// Start etcd for `member` (with `--force-new-cluster` for a reseed); a failure to start comes
    /// back as `.exited`.
    case launch(generation: Int, member: EtcdTaskData, forceNewCluster: Bool)
    /// Poll etcd's status until it answers (until it leads itself, when asked), then send
    /// `.answered`.
    case probe(generation: Int, untilLeadingItself: Bool)
    /// SIGTERM to etcd's process group, SIGKILL after the grace period; the exit comes back as
    /// `.exited`.
    case terminate(generation: Int, gracePeriod: Duration)
    /// Send `.restartDue` after `delay`.
    case scheduleRestart(generation: Int, after: Duration)
    /// Send `.reseedTimedOut` after `delay`.
    case scheduleReseedTimeout(id: Int, after: Duration)
}

/// What happened to etcd's processes, as `EtcdSupervisor` reports it to the executor's state
/// machine.
public enum EtcdProcessEvent: Sendable, Equatable {
    /// Process `generation` exited (or could not be started), with a description of how.
    case exited(generation: Int, status: String)
    /// Process `generation` answered the probe that `.probe` asked for: it is healthy.
    case answered(generation: Int)
    /// The wait before restarting after `generation` exited is over.
    case restartDue(generation: Int)
    /// The reseed `id` has had its time.
    case reseedTimedOut(id: Int)
}

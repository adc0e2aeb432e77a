import MesosAPI

/// What the executor's run loop takes in, in the order it happened: from the agent subscription,
/// the etcd supervisor, the reseed listener, the restore and the service group.
enum RuntimeInput: Sendable {
    case connected(ExecutorClient)
    case event(ExecutorEvent)
    case subscriptionEnded(reason: String?)
    /// The group shuts down gracefully (SIGTERM, SIGINT).
    case terminationRequested
    case restoreEnded(Result<MemberRestore.Restored, MemberRestoreError>)
    case etcd(EtcdProcessEvent)
    case reseedRequested(id: Int)
}

/// The run loop's one queue of inputs: the other services and the restore only ever send into it.
struct RuntimeMailbox: Sendable {
    let inputs: AsyncStream<RuntimeInput>
    private let input: AsyncStream<RuntimeInput>.Continuation

    init() {
        (inputs, input) = AsyncStream.makeStream(of: RuntimeInput.self)
    }

    func send(_ next: RuntimeInput) {
        input.yield(next)
    }
}

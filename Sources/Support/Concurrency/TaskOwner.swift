/// An owner for work that synchronous or actor code starts on the side (an etcd call whose answer comes back
/// as an event, a timer, an executor's wait): each job runs as a child task of whoever runs `run()`, so none
/// outlives the service that owns it, and a service's shutdown cancels what is still running.
///
/// Jobs started before `run()` wait for it; jobs started after it ended are dropped (`start` returns false).
public final class TaskOwner: Sendable {
    public typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let input: AsyncStream<Job>.Continuation

    public init() {
        (jobs, input) = AsyncStream.makeStream(of: Job.self)
    }

    /// Starts `job` as a child of `run()`; false when the owner has finished.
    @discardableResult
    public func start(_ job: @escaping Job) -> Bool {
        if case .enqueued = input.yield(job) { return true }
        return false
    }

    /// Runs the jobs until `finish()` or cancellation; then cancels the jobs still running and waits for them.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask(operation: job)
            }
            group.cancelAll()
        }
    }

    /// Ends `run()`: no new job is taken, running ones are cancelled.
    public func finish() {
        input.finish()
    }
}

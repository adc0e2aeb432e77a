import Dispatch

/// Runs blocking work (reading and hashing a large file, verifying an archive) on a dispatch thread, so it does
/// not hold one of the few cooperative threads that also carry the agent's subscription and KILLs.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }
}

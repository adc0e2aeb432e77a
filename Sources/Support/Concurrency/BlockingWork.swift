import Dispatch

/// Runs blocking work (fsync of a large file, reading or hashing a whole archive, walking a directory) on a
/// Dispatch thread, so it never holds one of the few threads of Swift's cooperative pool that the HTTP and gRPC
/// clients, the Mesos subscription and the health probes need meanwhile.
public func runBlocking<T: Sendable, Failure: Error>(
    _ work: @escaping @Sendable () throws(Failure) -> T
) async throws(Failure) -> T {
    let result: Result<T, Failure> = await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .utility).async {
            do throws(Failure) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}

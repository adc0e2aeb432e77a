import Dispatch

/// Runs blocking work (reading a whole archive, walking a directory) on a Dispatch thread, so it never holds
/// one of the few threads of Swift's cooperative pool that the HTTP and gRPC clients need.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws(RestoreFailure) -> T) async throws(RestoreFailure)
    -> T
{
    let result: Result<T, RestoreFailure> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            do throws(RestoreFailure) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}

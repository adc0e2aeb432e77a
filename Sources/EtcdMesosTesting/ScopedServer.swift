/// Runs `body` with the server `start` returns, and `stop`s it on every path out, including when `body` throws.
func withStartedServer<Server, T>(
    isolation: isolated (any Actor)? = #isolation,
    start: () async throws -> Server,
    stop: (Server) async -> Void,
    _ body: (Server) async throws -> T
) async throws -> T {
    let server = try await start()
    let result: T
    do {
        result = try await body(server)
    } catch {
        await stop(server)
        throw error
    }
    await stop(server)
    return result
}

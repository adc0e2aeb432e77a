import AsyncHTTPClient

extension HTTPClient {
    /// The client an executor speaks to its agent with. A real agent sends executor HEARTBEATs only every
    /// 30 minutes (slave/constants.hpp, DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL), so the subscription stream must
    /// have no read timeout: `HTTPClient.shared` cuts a body silent for 90 s. Calls keep their own deadline
    /// (`callTimeout`, up to the response head); redirects are not followed (an agent does not redirect).
    /// Lives as long as the process, like `HTTPClient.shared`.
    public static let executorStreaming = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil)))
}

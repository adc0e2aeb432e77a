/// Why a call to etcd failed. Every case names the endpoint and, for calls, the operation.
public enum EtcdClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The endpoint string could not be understood.
    case invalidEndpoint(String, reason: String)
    /// No connection to the endpoint could be made (refused, unreachable, closed before answering).
    case unavailable(endpoint: String, operation: String, reason: String)
    /// The call did not finish within its deadline (for a snapshot: no data arrived within it).
    case deadlineExceeded(endpoint: String, operation: String, after: Duration)
    /// etcd answered with an error, e.g. code `notFound`, message `etcdserver: member not found`.
    case server(endpoint: String, operation: String, code: String, message: String)
    /// etcd's answer lacked something the API promises (a member in a member-add response, for example).
    case malformedResponse(endpoint: String, operation: String, reason: String)
    /// A snapshot stream ended before delivering the size it announced.
    case snapshotTruncated(endpoint: String, expectedBytes: UInt64, receivedBytes: UInt64)
    /// The client was shut down before the call could run.
    case clientShutDown(endpoint: String, operation: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason):
            return "invalid etcd endpoint \"\(endpoint)\": \(reason)"
        case .unavailable(let endpoint, let operation, let reason):
            return "etcd \(operation) at \(endpoint) failed: endpoint unavailable (\(reason))"
        case .deadlineExceeded(let endpoint, let operation, let after):
            return "etcd \(operation) at \(endpoint) got no answer within \(after)"
        case .server(let endpoint, let operation, let code, let message):
            return "etcd \(operation) at \(endpoint) failed: \(message) (gRPC code \(code))"
        case .malformedResponse(let endpoint, let operation, let reason):
            return "etcd \(operation) at \(endpoint) returned an unusable response: \(reason)"
        case .snapshotTruncated(let endpoint, let expected, let received):
            return
                "etcd snapshot from \(endpoint) ended after \(received) of the \(expected) bytes it announced"
        case .clientShutDown(let endpoint, let operation):
            return "etcd \(operation) at \(endpoint) not sent: the client is shut down"
        }
    }
}

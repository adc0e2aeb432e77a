/// Why a call to the object store failed, in words an operator can act on.
public enum ObjectStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A flag, URL or file that cannot be used as given.
    case badConfiguration(String)
    /// No answer from the endpoint (refused, reset, timed out).
    case unreachable(endpoint: String, reason: String)
    /// The store refused the credentials or the signature (403).
    case accessDenied(code: String, message: String)
    /// The bucket does not exist (404 `NoSuchBucket`).
    case noSuchBucket(String)
    /// The object does not exist.
    case noSuchKey(String)
    /// Any other refusal: the HTTP status with the store's error code and message.
    case refused(operation: String, status: Int, code: String, message: String)
    /// What the store holds is not what was sent (size or checksum), or a download is larger than allowed.
    case integrity(key: String, reason: String)
    /// An answer that cannot be read (bad XML, missing fields, too large).
    case malformedResponse(operation: String, reason: String)

    public var description: String {
        switch self {
        case .badConfiguration(let reason): return reason
        case .unreachable(let endpoint, let reason):
            return "the object store at \(endpoint) is unreachable: \(reason)"
        case .accessDenied(let code, let message):
            return "the object store refused the credentials (\(code)): \(message)"
        case .noSuchBucket(let bucket): return "the bucket \"\(bucket)\" does not exist"
        case .noSuchKey(let key): return "no object \"\(key)\" in the store"
        case .refused(let operation, let status, let code, let message):
            return "the object store refused to \(operation): HTTP \(status) \(code): \(message)"
        case .integrity(let key, let reason): return "object \"\(key)\": \(reason)"
        case .malformedResponse(let operation, let reason):
            return "cannot read the object store's answer to \(operation): \(reason)"
        }
    }

    /// Worth another try: the store could not be reached, or failed on its side (5xx, 429).
    public var isTransient: Bool {
        switch self {
        case .unreachable: return true
        case .refused(_, let status, _, _): return status >= 500 || status == 429
        default: return false
        }
    }
}

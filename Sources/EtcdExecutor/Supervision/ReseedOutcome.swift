/// How a reseed request ended, as the reseed listener answers it.
public enum ReseedOutcome: Sendable, Equatable, CustomStringConvertible {
    /// etcd runs again on its data dir and leads a cluster of one.
    case reseeded
    /// Another reseed is under way.
    case busy
    /// No reseed is possible now (etcd not launched yet, or the task is stopping).
    case unavailable(String)
    /// The reseed was tried and did not work.
    case failed(String)

    public var description: String {
        switch self {
        case .reseeded: "reseeded"
        case .busy: "a reseed is already under way"
        case .unavailable(let reason), .failed(let reason): reason
        }
    }
}

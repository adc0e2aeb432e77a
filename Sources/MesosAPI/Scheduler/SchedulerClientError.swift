/// Why a v1 scheduler subscription or call failed; messages name the master and what it said.
public enum SchedulerClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The master could not be reached (connection refused, DNS, timeout before the response head).
    case unreachable(master: String, reason: String)
    /// The master answered a SUBSCRIBE with something other than 200 (e.g. 401, 403, 400).
    case subscriptionRefused(master: String, status: Int, body: String)
    /// The master's first event was ERROR (e.g. "Framework has been removed").
    case errorEvent(master: String, message: String)
    /// Too many 307 redirects in a row: no master admits to leading.
    case tooManyRedirects(master: String, locations: [String])
    /// A 200 answer to SUBSCRIBE without the `Mesos-Stream-Id` header.
    case missingStreamID(master: String)
    /// The event stream ended or broke.
    case streamEnded(master: String, reason: String)
    /// No event (HEARTBEAT or other) arrived for this long: the connection is taken as lost.
    case heartbeatsMissed(master: String, silentFor: Duration)
    /// A call was answered with a status other than 202.
    case callRefused(call: String, master: String, status: Int, body: String)
    /// The master does not lead: it answered `call` with 307 (it knows the leader) or 503 (it knows none, e.g.
    /// "No leader elected"). The subscription there is over; detect the leader and subscribe again.
    case notLeading(master: String, call: String, status: Int, detail: String)

    public var description: String {
        switch self {
        case .unreachable(let master, let reason):
            "cannot reach the Mesos master at \(master): \(reason)"
        case .subscriptionRefused(let master, let status, let body):
            "the Mesos master at \(master) refused SUBSCRIBE with \(status): \(body.isEmpty ? "(no body)" : body)"
        case .errorEvent(let master, let message):
            "the Mesos master at \(master) sent ERROR: \(message)"
        case .tooManyRedirects(let master, let locations):
            "the Mesos master at \(master) redirected too often (\(locations.joined(separator: " → ")))"
        case .missingStreamID(let master):
            "the Mesos master at \(master) answered SUBSCRIBE without a Mesos-Stream-Id header"
        case .streamEnded(let master, let reason):
            "the event stream from the Mesos master at \(master) ended: \(reason)"
        case .heartbeatsMissed(let master, let silentFor):
            "no event from the Mesos master at \(master) for \(silentFor): the subscription is taken as lost"
        case .callRefused(let call, let master, let status, let body):
            "the Mesos master at \(master) answered \(call) with \(status): \(body.isEmpty ? "(no body)" : body)"
        case .notLeading(let master, let call, let status, let detail):
            "the Mesos master at \(master) does not lead: it answered \(call) with \(status) "
                + "(\(detail.isEmpty ? "no body" : detail)); the leader must be detected again"
        }
    }
}

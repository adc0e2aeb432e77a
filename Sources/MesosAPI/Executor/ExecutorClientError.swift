/// Why a v1 executor subscription or call failed; messages name the agent and what it said.
public enum ExecutorClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The agent could not be reached (connection refused, reset, timeout before the response head).
    case unreachable(agent: String, reason: String)
    /// The agent answered SUBSCRIBE with something other than 200 (400 "Executor cannot be found", 503, …).
    case subscriptionRefused(agent: String, status: Int, body: String)
    /// The event stream ended or broke.
    case streamEnded(agent: String, reason: String)
    /// The subscription broke and the framework does not checkpoint: the executor must shut down (docs/mesos-v1-http.md §7.4).
    case disconnected(agent: String, reason: String)
    /// Re-subscribing did not succeed within `MESOS_RECOVERY_TIMEOUT`.
    case recoveryTimedOut(agent: String, after: Duration, lastError: String)
    /// A call was answered with a status other than 202.
    case callRefused(call: String, agent: String, status: Int, body: String)
    /// The client was closed.
    case closed

    public var description: String {
        switch self {
        case .unreachable(let agent, let reason):
            "cannot reach the Mesos agent at \(agent): \(reason)"
        case .subscriptionRefused(let agent, let status, let body):
            "the Mesos agent at \(agent) refused SUBSCRIBE with \(status): \(Self.show(body))"
        case .streamEnded(let agent, let reason):
            "the event stream from the Mesos agent at \(agent) ended: \(reason)"
        case .disconnected(let agent, let reason):
            "lost the Mesos agent at \(agent) (\(reason)); the framework does not checkpoint, so the executor "
                + "does not wait for the agent to come back"
        case .recoveryTimedOut(let agent, let after, let lastError):
            "could not re-subscribe to the Mesos agent at \(agent) within the recovery timeout of \(after); "
                + "last error: \(lastError)"
        case .callRefused(let call, let agent, let status, let body):
            "the Mesos agent at \(agent) answered \(call) with \(status): \(Self.show(body))"
        case .closed:
            "the executor client was closed"
        }
    }

    /// True when the agent may accept the same request later (it restarts or recovers); false when it has
    /// said it does not know this executor or refused the request itself.
    var isTransient: Bool {
        switch self {
        case .unreachable, .streamEnded: true
        case .subscriptionRefused(_, let status, _), .callRefused(_, _, let status, _):
            // 503: the agent is recovering. 403 on a call: the agent restarted and awaits our SUBSCRIBE.
            status == 503 || status == 403
        case .disconnected, .recoveryTimedOut, .closed: false
        }
    }

    private static func show(_ body: String) -> String { body.isEmpty ? "(no body)" : body }
}

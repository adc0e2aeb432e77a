import Logging
import MesosAPI

/// The current Mesos subscription, if any; calls made while there is none fail with a clear error.
actor MesosLink {
    private var subscription: SchedulerSubscription?

    func attach(_ subscription: SchedulerSubscription) { self.subscription = subscription }

    func detach(_ subscription: SchedulerSubscription) {
        if self.subscription === subscription { self.subscription = nil }
    }

    /// The master the scheduler is subscribed to, for `/stats` and logs.
    var master: String? { subscription?.endpoint.description }

    func call(_ payload: SchedulerCall.Payload) async throws {
        guard let subscription else { throw MesosLinkError.notSubscribed(call: payload.typeName) }
        try await subscription.call(payload)
    }
}

enum MesosLinkError: Error, CustomStringConvertible {
    case notSubscribed(call: String)

    var description: String {
        switch self {
        case .notSubscribed(let call):
            "\(call) not sent: the scheduler is not subscribed to a Mesos master"
        }
    }
}

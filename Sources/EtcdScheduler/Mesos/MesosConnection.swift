import AsyncHTTPClient
import Foundation
import Logging
import MesosAPI
import Reconciler
import ServiceLifecycle

/// Keeps the scheduler subscribed to the leading Mesos master: subscribes (failing over with the persisted
/// framework ID), turns the event stream into reconciler events, and after any loss reports `disconnected`
/// and subscribes again with a capped backoff, following leader changes (a standby's 307, a call answered
/// 307/503, a new leader in ZooKeeper).
///
/// One exception: when the master says "Framework failed over", another scheduler instance subscribed with
/// this framework ID, and subscribing again would knock it off in turn, forever. `run()` then throws
/// `MesosConnectionError.failedOver`, which stops the scheduler with a non-zero exit (as frameworks run by
/// Marathon do; Marathon restarts it, and it waits as a standby).
struct MesosConnection: Service {
    var resolver: MasterResolver
    /// The framework to subscribe as; waits for what it names (the admin server's port for the web UI URL).
    var framework: @Sendable () async throws -> FrameworkInfo
    var credential: MesosCredential?
    /// A client that does not follow redirects (`HTTPClient.Configuration.mesos`).
    var httpClient: HTTPClient
    var link: MesosLink
    var core: SchedulerCore
    var logger: Logger
    var maximumBackoff: Duration = .seconds(8)

    /// Runs until graceful shutdown or cancellation; throws only when this instance was failed over.
    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await subscribeUntilCancelled() }
        } catch is CancellationError {
            return
        }
    }

    private func subscribeUntilCancelled() async throws {
        var backoff = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                try await subscribeOnce()
                backoff = .milliseconds(500)
            } catch is CancellationError {
                return
            } catch let error as MesosConnectionError {
                core.submit(.disconnected)
                logger.critical("\(error)")
                throw error
            } catch {
                resolver.advance()
                logger.warning(
                    "Mesos subscription lost or refused", metadata: ["error": "\(error)"])
                if Self.frameworkWasRemoved(error) {
                    logger.error(
                        "the master removed this framework (its failover timeout passed); its tasks are gone"
                    )
                    core.submit(.frameworkRemoved)
                }
            }
            core.submit(.disconnected)
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maximumBackoff)
        }
    }

    private func subscribeOnce() async throws {
        let master = try await resolver.current(timeout: .seconds(10))
        var info = try await framework()
        info.id = await core.persistedState.frameworkID.map { MesosAPI.FrameworkID($0.rawValue) }
        try await SchedulerSubscription.withSubscription(
            to: master, framework: info, credential: credential, httpClient: httpClient,
            logger: logger
        ) { subscription in
            logger.info(
                "subscribed to Mesos",
                metadata: [
                    "master": "\(subscription.endpoint)",
                    "framework_id": "\(subscription.frameworkID)",
                ])
            await link.attach(subscription)
            core.submit(
                .subscribed(frameworkID: Reconciler.FrameworkID(subscription.frameworkID.value)))
            let ended: Result<Void, any Error>
            do {
                for try await event in subscription.events {
                    if case .error(let error) = event, Self.failedOver(error.message) {
                        throw MesosConnectionError.failedOver(
                            master: subscription.endpoint.description,
                            frameworkID: subscription.frameworkID.value)
                    }
                    if let translated = translate(event) { core.submit(translated) }
                }
                ended = .success(())
            } catch {
                ended = .failure(error)
            }
            await link.detach(subscription)
            try ended.get()
        }
    }

    private func translate(_ event: SchedulerEvent) -> ClusterEvent? {
        switch event {
        case .offers(let offers):
            return .offers(offers.offers.map { MesosTranslation.resourceOffer($0) })
        case .rescind(let rescind):
            return .offerRescinded(Reconciler.OfferID(rescind.offerID.value))
        case .update(let update):
            return .taskStatus(MesosTranslation.statusUpdate(update.status))
        case .error(let error):
            logger.error("the master sent ERROR", metadata: ["message": "\(error.message)"])
            return Self.frameworkWasRemoved(error.message) ? .frameworkRemoved : nil
        case .failure(let failure):
            logger.notice("the master reports a failure", metadata: ["failure": "\(failure)"])
            return nil
        default:
            return nil
        }
    }

    /// Mesos answers a framework whose failover timeout passed with "Framework has been removed" (v1) or
    /// "Completed framework attempted to re-register" (v0 wording, kept by some masters).
    static func frameworkWasRemoved(_ error: any Error) -> Bool {
        frameworkWasRemoved("\(error)")
    }

    static func frameworkWasRemoved(_ text: String) -> Bool {
        text.contains("has been removed") || text.contains("Completed framework")
    }

    /// The ERROR Mesos sends the older connection when the same framework subscribes again
    /// (src/master/master.cpp, `Master::failoverFramework`).
    static func failedOver(_ text: String) -> Bool {
        text.contains("Framework failed over")
    }
}

/// Why the Mesos connection gave up for good.
enum MesosConnectionError: Error, CustomStringConvertible {
    /// Another scheduler instance subscribed with this framework ID; Mesos failed this one over.
    case failedOver(master: String, frameworkID: String)

    var description: String {
        switch self {
        case .failedOver(let master, let frameworkID):
            "the Mesos master at \(master) sent ERROR \"Framework failed over\": another scheduler instance "
                + "subscribed as framework \(frameworkID). This instance no longer leads and stops without "
                + "subscribing again (so the two do not knock each other off); restarted, it waits as a standby"
        }
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import MesosAPI
import Reconciler
import ServiceLifecycle

/// Keeps the scheduler subscribed to the leading Mesos master: subscribes (failing over with the persisted
/// framework ID), turns the event stream into reconciler events, and after any loss reports `disconnected`
/// and subscribes again with a capped backoff, following leader changes found in ZooKeeper.
struct MesosConnection: Service {
    var resolver: MasterResolver
    /// The framework to subscribe as; waits for what it names (the admin server's port for the web UI URL).
    var framework: @Sendable () async throws -> FrameworkInfo
    var credential: MesosCredential?
    var httpClient: HTTPClient
    var link: MesosLink
    var core: SchedulerCore
    var logger: Logger
    var maximumBackoff: Duration = .seconds(8)

    /// Runs until graceful shutdown or cancellation.
    func run() async {
        try? await cancelWhenGracefulShutdown { await subscribeUntilCancelled() }
    }

    private func subscribeUntilCancelled() async {
        var backoff = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                try await subscribeOnce()
                backoff = .milliseconds(500)
            } catch is CancellationError {
                return
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
        let subscription = try await SchedulerSubscription.subscribe(
            to: master, framework: info, credential: credential, httpClient: httpClient,
            logger: logger)
        logger.info(
            "subscribed to Mesos",
            metadata: [
                "master": "\(subscription.endpoint)", "framework_id": "\(subscription.frameworkID)",
            ])
        await link.attach(subscription)
        core.submit(
            .subscribed(frameworkID: Reconciler.FrameworkID(subscription.frameworkID.value)))
        let ended: Result<Void, any Error>
        do {
            for try await event in subscription.events {
                if let translated = translate(event) { core.submit(translated) }
            }
            ended = .success(())
        } catch {
            ended = .failure(error)
        }
        subscription.close()
        await link.detach(subscription)
        try ended.get()
    }

    private func translate(_ event: SchedulerEvent) -> ClusterEvent? {
        switch event {
        case .offers(let offers):
            return .offers(offers.offers.map(MesosTranslation.resourceOffer))
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
}

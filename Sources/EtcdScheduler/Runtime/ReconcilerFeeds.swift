import Reconciler
import ServiceLifecycle

/// The reconciler's clock: a `tick` every second, until graceful shutdown.
struct ReconcilerTicker: Service {
    let core: SchedulerCore

    func run() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                core.submit(.tick)
            }
        }
    }
}

/// The etcd health probe, every `interval`, over the members the reconciler tracks; clients of members that
/// are gone are dropped from the pool.
struct HealthProbeLoop: Service {
    let core: SchedulerCore
    let prober: ClusterProber
    let pool: EtcdClientPool
    let interval: Duration

    func run() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let members = await core.members.map(\.identity)
                if !members.isEmpty {
                    core.submit(.clusterObserved(await prober.observe(members)))
                    pool.keepOnly(Set(members.map(\.clientURL)))
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

import Prometheus
import Reconciler

/// `/metrics`: the `/stats` counters and contributed samples as Prometheus gauges, refreshed at each scrape.
final class SchedulerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()

    func render(stats: ClusterStats, extras: [any AdminStatusContributor]) async -> String {
        let samples: [(String, String, Double)] = [
            ("etcd_mesos_running_servers", "etcd tasks running", Double(stats.runningServers)),
            ("etcd_mesos_launched_servers", "launches since the scheduler started", Double(stats.launchedServers)),
            ("etcd_mesos_failed_servers", "terminal task updates since the scheduler started", Double(stats.failedServers)),
            ("etcd_mesos_cluster_livelocks", "livelock episodes since the scheduler started", Double(stats.clusterLivelocks)),
            ("etcd_mesos_cluster_reseeds", "reseeds since the scheduler started", Double(stats.clusterReseeds)),
            ("etcd_mesos_healthy", "1 when the etcd cluster has quorum", Double(stats.healthy)),
            ("etcd_mesos_cluster_size", "etcd members wanted", Double(stats.clusterSize)),
            ("etcd_mesos_pending_servers", "etcd tasks launched and not yet running", Double(stats.pendingServers)),
            ("etcd_mesos_awaiting_operator", "1 when the cluster is lost and waits for a restore", Double(stats.awaitingOperator)),
            ("etcd_mesos_cluster_epoch", "cluster epoch (bumped by formation, reseed, restore)", Double(stats.clusterEpoch)),
            ("etcd_mesos_last_known_revision", "highest etcd revision seen", Double(stats.lastKnownRevision)),
        ]
        for (name, help, value) in samples {
            registry.makeGauge(name: name, help: help).set(value)
        }
        for extra in extras {
            for (name, value) in await extra.metricSamples() {
                registry.makeGauge(name: name, help: name.replacingOccurrences(of: "_", with: " ")).set(value)
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

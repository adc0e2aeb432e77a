import Prometheus
import Reconciler

/// `/metrics`: the `/stats` numbers and contributed samples in Prometheus' text format, read afresh
/// at each scrape.
///
/// Counts that only grow while the scheduler runs (launches, failed tasks, livelocks, reseeds) are
/// counters named `…_total`; everything that can also go down is a gauge. A contributed sample
/// whose name ends in `_total` is a counter by the same rule.
final class SchedulerMetrics: Sendable {
    /// The suffix Prometheus reserves for counters.
    static let counterSuffix = "_total"

    func render(stats: ClusterStats, extras: [any AdminStatusContributor]) async -> String {
        let since = "since the scheduler started"
        let counters: [(String, String, Int)] = [
            ("etcd_mesos_launched_servers_total", "launches \(since)", stats.launchedServers),
            (
                "etcd_mesos_failed_servers_total", "terminal task updates \(since)",
                stats.failedServers
            ),
            (
                "etcd_mesos_cluster_livelocks_total", "livelock episodes \(since)",
                stats.clusterLivelocks
            ),
            ("etcd_mesos_cluster_reseeds_total", "reseeds \(since)", stats.clusterReseeds),
        ]
        let gauges: [(String, String, Double)] = [
            ("etcd_mesos_running_servers", "etcd tasks running", Double(stats.runningServers)),
            ("etcd_mesos_healthy", "1 when the etcd cluster has quorum", Double(stats.healthy)),
            ("etcd_mesos_cluster_size", "etcd members wanted", Double(stats.clusterSize)),
            (
                "etcd_mesos_pending_servers", "etcd tasks launched and not yet running",
                Double(stats.pendingServers)
            ),
            (
                "etcd_mesos_awaiting_operator",
                "1 when the cluster is lost and waits for a restore",
                Double(stats.awaitingOperator)
            ),
            (
                "etcd_mesos_cluster_epoch", "cluster epoch (bumped by formation, reseed, restore)",
                Double(stats.clusterEpoch)
            ),
            (
                "etcd_mesos_last_known_revision", "highest etcd revision seen",
                Double(stats.lastKnownRevision)
            ),
        ]
        // A registry per scrape: each value is set once, so no scrape sees another's half-set one.
        let registry = PrometheusCollectorRegistry()
        for (name, help, value) in counters {
            let counter = registry.makeCounter(descriptor: Self.descriptor(name, help))
            Self.set(counter, to: Double(value))
        }
        for (name, help, value) in gauges {
            registry.makeGauge(descriptor: Self.descriptor(name, help)).set(value)
        }
        for extra in extras {
            for (name, value) in await extra.metricSamples().sorted(by: { $0.key < $1.key }) {
                let help = name.replacingOccurrences(of: "_", with: " ")
                let descriptor = Self.descriptor(name, help)
                if name.hasSuffix(Self.counterSuffix) {
                    Self.set(registry.makeCounter(descriptor: descriptor), to: value)
                } else {
                    registry.makeGauge(descriptor: descriptor).set(value)
                }
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Brings a fresh counter to `value`: whole counts print as integers (`3`, not `3.0`).
    private static func set(_ counter: Counter, to value: Double) {
        let value = max(0, value)
        if value == value.rounded(), value < 9e18 {
            counter.increment(by: Int64(value))
        } else {
            counter.increment(by: value)
        }
    }

    /// `name` exactly as given (the descriptor joins its non-empty parts), with its `# HELP` text.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

/// The leading instance's part in the scheduler election, for `/stats` (`scheduler_role: "leader"`, and
/// `mesos_master`: the master it is subscribed to, null while it is not) and `/metrics`
/// (`etcd_mesos_scheduler_leading 1`). A standby answers the same fields itself (`StandbyAdminServer`).
struct SchedulerRoleStatus: AdminStatusContributor {
    let link: MesosLink

    func statsFields() async -> [String: StatsBody.Value] {
        [
            "scheduler_role": .text("leader"),
            "mesos_master": await link.master.map { .text($0) } ?? .null,
        ]
    }

    func degradedReasons() async -> [String] { [] }

    func metricSamples() async -> [String: Double] {
        ["etcd_mesos_scheduler_leading": 1]
    }
}

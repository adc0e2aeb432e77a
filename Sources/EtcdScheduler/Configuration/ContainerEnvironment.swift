/// The environment variables of the original's container wrapper (its Dockerfile) and the flags they
/// stand for. A variable is used only when its flag is absent from the command line; the settings list
/// every variable used in `SchedulerSettings.notices`, so nothing is picked up unseen.
///
/// `PORT0`, `PORT1`, `PORT2` are the host ports Marathon assigns; `LIBPROCESS_IP` is the agent's address.
enum ContainerEnvironment {
    /// flag name → variable, in the order of the original's wrapper.
    static let variables: [(flag: String, variable: String)] = [
        ("framework-name", "FRAMEWORK_NAME"),
        ("failover-timeout-seconds", "FRAMEWORK_FAILOVER_TIMEOUT_SECONDS"),
        ("cluster-size", "CLUSTER_SIZE"),
        ("master", "MESOS_MASTER"),
        ("zk-framework-persist", "ZK_PERSIST"),
        ("v", "VERBOSITY"),
        ("single-instance-per-slave", "SINGLE_INSTANCE_PER_SLAVE"),
        ("auto-reseed", "AUTO_RESEED"),
        ("reseed-timeout", "RESEED_TIMEOUT"),
        ("sandbox-disk-limit", "DISK_LIMIT"),
        ("sandbox-cpu-limit", "CPU_LIMIT"),
        ("sandbox-mem-limit", "MEM_LIMIT"),
        ("framework-weburi", "WEBURI"),
        ("admin-port", "PORT0"),
        ("driver-port", "PORT1"),
        ("artifact-port", "PORT2"),
        ("address", "LIBPROCESS_IP"),
    ]

    /// The variable standing in for `flag`, if any.
    static func variable(for flag: String) -> String? {
        variables.first { $0.flag == flag }?.variable
    }
}

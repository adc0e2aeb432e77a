import ArgumentParser
import Support

// The flags of the binaries the scheduler serves and of its two HTTP servers, as the help shows them; see
// SchedulerOptionGroups.swift for the others.

private typealias Defaults = SchedulerDefaults

/// The binaries handed to agents, and the scheduler's two HTTP servers.
public struct ServingFlags: ParsableArguments, Sendable {
    @Option(
        name: .goFlag("executor-bin"),
        help: .flag(
            "The etcd-mesos-executor binary served to agents. "
                + "Default \(Defaults.binaryDirectory)/etcd-mesos-executor; if that is missing, "
                + "the one next to this program or on PATH.", value: "path"))
    public var executorBin: String?

    @Option(
        name: .goFlag("etcd-bin"),
        help: .flag(
            "The etcd binary served to agents. "
                + "Default \(Defaults.binaryDirectory)/etcd, else etcd on PATH.", value: "path"))
    public var etcdBin: String?

    @Option(
        name: .goFlag("etcdctl-bin"),
        help: .flag(
            "The etcdctl binary served to agents. "
                + "Default \(Defaults.binaryDirectory)/etcdctl, else etcdctl on PATH.",
            value: "path"))
    public var etcdctlBin: String?

    @Option(
        name: .goFlag("artifact-port"),
        help: .flag(
            "Port of the server that hands the binaries to agents (0: any free port). "
                + "Default \(Defaults.artifactPort).",
            value: "port", environment: "artifact-port"))
    public var artifactPort: String?

    @Option(
        name: .goFlag("admin-port"),
        help: .flag(
            "Port of the admin HTTP API, on -admin-address (0: any free port). "
                + "Default \(Defaults.adminPort).",
            value: "port", environment: "admin-port"))
    public var adminPort: String?

    @Option(
        name: .goFlag("admin-address"),
        help: .flag(
            "Address the admin HTTP API listens on; executors that restore a backup download it "
                + "from there. Default \(Defaults.adminAddress), every interface "
                + "(\(Defaults.loopbackAddress) with -master=local).",
            value: "address"))
    public var adminAddress: String?

    @Option(
        name: .goFlag("admin-token-file"),
        help: .flag(
            "File holding the bearer token the admin API needs for every POST and every read of "
                + "backups; readable by its owner only (chmod 600). Default: "
                + "<work-dir>/\(Defaults.adminTokenFileName), created with a random token at the first start.",
            value: "path"))
    public var adminTokenFile: String?

    public init() {}
}

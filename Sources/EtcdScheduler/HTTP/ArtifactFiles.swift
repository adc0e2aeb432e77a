import Foundation

/// What the artifact server hands out: the executor, etcd, and etcdctl (plus etcdutl when it sits next to
/// etcd, as in etcd 3.5 — the executor's restore uses it), each under its file name.
struct ArtifactFiles: Sendable {
    var executorName: String
    var etcdName: String
    var toolNames: [String]
    /// File name → local path.
    var served: [String: String]

    init(binaries: SchedulerBinaries) {
        func name(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
        executorName = name(binaries.executor.path)
        etcdName = name(binaries.etcd.path)
        var tools = [binaries.etcdctl.path]
        let etcdutl = URL(fileURLWithPath: binaries.etcd.path).deletingLastPathComponent()
            .appendingPathComponent("etcdutl").path
        if FileManager.default.isExecutableFile(atPath: etcdutl) { tools.append(etcdutl) }
        toolNames = tools.map(name)
        served = Dictionary(
            ([binaries.executor.path, binaries.etcd.path] + tools).map { (name($0), $0) },
            uniquingKeysWith: { first, _ in first })
    }
}

import EtcdClient
import Foundation
import ProcessControl

/// Starts `binaries.etcd` on a restored data dir (its membership comes from the data dir), waits until it
/// serves reads, runs `body` with its client URL, and stops it on every path.
public func withEtcdOnDataDir<T>(
    _ dataDir: String, name: String, peerURL: String, clientURL: String, binaries: EtcdBinaries,
    logPath: String,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (_ clientURL: String) async throws -> T
) async throws -> T {
    let child = try ChildProcess.launch(
        executable: binaries.etcd,
        arguments: [
            "--name", name, "--data-dir", dataDir, "--listen-client-urls", clientURL,
            "--advertise-client-urls", clientURL, "--listen-peer-urls", peerURL,
            "--initial-advertise-peer-urls", peerURL,
        ],
        environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ETCD") },
        outputPath: logPath)
    do {
        try await eventually(timeout: .seconds(60), "etcd on the restored data dir to serve reads")
        {
            if let status = child.exitStatus {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw EtcdOnDataDirError(
                    description: "etcd exited (\(status)):\n\(log.suffix(2000))")
            }
            return try await EtcdClient.withClient(endpoint: clientURL, callTimeout: .seconds(1)) {
                client in
                _ = try await client.range("probe")
                return true
            }
        }
        let result = try await body(clientURL)
        await child.terminate(gracePeriod: .seconds(5))
        return result
    } catch {
        await child.terminate(gracePeriod: .seconds(5))
        throw error
    }
}

/// etcd did not come up on a restored data dir.
public struct EtcdOnDataDirError: Error, CustomStringConvertible {
    public let description: String
}

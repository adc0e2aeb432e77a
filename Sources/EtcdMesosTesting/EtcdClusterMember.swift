import Foundation
import ProcessControl
import Synchronization

extension EtcdCluster {
    /// One etcd member of a test cluster: its ports, data dir, log and process.
    public final class Member: Sendable, CustomStringConvertible {
        public let name: String
        /// `http://127.0.0.1:PORT`, where clients connect.
        public let clientURL: String
        /// `http://127.0.0.1:PORT`, where the other members connect.
        public let peerURL: String
        public let clientPort: Int
        public let peerPort: Int
        public let dataDir: String
        /// The member's stdout and stderr, across restarts.
        public let logPath: String
        let binaries: EtcdBinaries

        private struct State {
            var process: ChildProcess?
            var arguments: [String] = []
        }
        private let state = Mutex(State())

        init(name: String, directory: String, binaries: EtcdBinaries) throws {
            self.name = name
            self.binaries = binaries
            clientPort = try FreePort.allocate()
            var peer = try FreePort.allocate()
            while peer == clientPort { peer = try FreePort.allocate() }
            peerPort = peer
            clientURL = "http://127.0.0.1:\(clientPort)"
            peerURL = "http://127.0.0.1:\(peerPort)"
            dataDir = "\(directory)/\(name).etcd"
            logPath = "\(directory)/\(name).log"
        }

        /// The running (or last) etcd process; `nil` before the first start.
        public var process: ChildProcess? { state.withLock { $0.process } }

        /// True while the etcd process runs.
        public var isRunning: Bool { process.map { $0.exitStatus == nil } ?? false }

        /// `127.0.0.1:PORT`, the client endpoint without a scheme, as etcdctl's `--endpoints` accepts it too.
        public var clientEndpoint: String { "127.0.0.1:\(clientPort)" }

        public var description: String { "\(name) (client \(clientURL), peer \(peerURL))" }

        /// The last lines of the member's log.
        public func logTail(lines: Int = 30) -> String {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
                .joined(separator: "\n")
        }

        func launch(initialCluster: String, state clusterState: String, token: String) throws {
            let arguments = [
                "--name", name, "--data-dir", dataDir,
                "--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
                "--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
                "--initial-cluster", initialCluster, "--initial-cluster-token", token,
                "--initial-cluster-state", clusterState,
            ]
            state.withLock { $0.arguments = arguments }
            try relaunch()
        }

        /// Starts etcd with the arguments of the last launch; with an existing data dir etcd ignores the
        /// initial-cluster flags and rejoins as itself.
        func relaunch() throws {
            let arguments = state.withLock { $0.arguments }
            precondition(!arguments.isEmpty, "\(name) was never launched")
            guard !isRunning else { return }
            let child = try ChildProcess.launch(
                executable: binaries.etcd, arguments: arguments,
                environment: EtcdBinaries.etcdEnvironment(),
                outputPath: logPath)
            state.withLock { $0.process = child }
        }
    }
}

/// Why a test etcd cluster could not be started.
public enum EtcdClusterError: Error, CustomStringConvertible {
    case notInstalled(EtcdBinaries)
    case exitedEarly(member: String, status: String, logPath: String, logTail: String)
    case notServing(
        member: String, after: Duration, lastError: String, logPath: String, logTail: String)

    var portWasTaken: Bool {
        if case .exitedEarly(_, _, _, let tail) = self {
            return tail.contains("address already in use")
        }
        return false
    }

    public var description: String {
        switch self {
        case .notInstalled(let binaries):
            return
                "etcd binaries \(binaries.label) not found in \(binaries.directory) (run scripts/setup.sh)"
        case .exitedEarly(let member, let status, let logPath, let logTail):
            return
                "etcd member \(member) \(status) before serving; log \(logPath) ends with:\n\(logTail)"
        case .notServing(let member, let after, let lastError, let logPath, let logTail):
            return
                "etcd member \(member) did not serve reads within \(after) (last error: \(lastError)); "
                + "log \(logPath) ends with:\n\(logTail)"
        }
    }
}

import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2

/// Where an etcd member serves clients: a host and port reached over plaintext HTTP/2.
///
/// Accepts what etcd prints and what operators type: `127.0.0.1:2379`, `http://127.0.0.1:2379`,
/// `localhost:2379`, `[::1]:2379`. TLS (`https://`) is not supported.
struct EtcdEndpoint: Sendable, Equatable {
    let host: String
    let port: Int

    init(parsing text: String) throws(EtcdClientError) {
        func invalid(_ reason: String) -> EtcdClientError { .invalidEndpoint(text, reason: reason) }
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw invalid(
                    "scheme \"\(scheme)\" is not supported; use host:port or http://host:port")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/") else { throw invalid("a path is not allowed") }

        let hostPart: Substring
        let portPart: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"),
                rest[rest.index(after: close)...].hasPrefix(":")
            else {
                throw invalid("expected [IPv6 address]:port")
            }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            portPart = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw invalid("missing :port") }
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw invalid("missing host") }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            throw invalid("port \"\(portPart)\" is not a number from 1 to 65535")
        }
        host = String(hostPart)
        self.port = port
    }

    /// How grpc-swift finds the address: literal addresses need no resolver, names go through DNS.
    var target: any ResolvableTarget {
        if host.contains(":") { return .ipv6(address: host, port: port) }
        if host.split(separator: ".").count == 4 && host.allSatisfy({ $0.isNumber || $0 == "." }) {
            return .ipv4(address: host, port: port)
        }
        return .dns(host: host, port: port)
    }
}

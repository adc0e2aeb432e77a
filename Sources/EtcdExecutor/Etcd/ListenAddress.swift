#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The address etcd binds for a member's host name: etcd refuses host names in `--listen-*-urls` ("expected IP
/// in URL for binding"), while the offer names the agent by host name. The advertised URLs keep the name.
public enum ListenAddress {
    /// `host` itself when it is an IP address, else its first IPv4 address (then IPv6), else `host` unchanged
    /// (etcd then says what is wrong with it).
    public static func resolve(_ host: String) -> String {
        if isIPAddress(host) { return host }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return host }
        defer { freeaddrinfo(list) }
        var candidates: [(family: Int32, text: String)] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let text = numericHost(current.pointee) {
                candidates.append((current.pointee.ai_family, text))
            }
            entry = current.pointee.ai_next
        }
        return candidates.first { $0.family == AF_INET }?.text ?? candidates.first?.text ?? host
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    private static func numericHost(_ info: addrinfo) -> String? {
        guard let address = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard
            getnameinfo(
                address, info.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0
        else { return nil }
        return String(cString: buffer)
    }
}

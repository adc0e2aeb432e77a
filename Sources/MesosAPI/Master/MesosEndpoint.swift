import Foundation

/// Where a Mesos master or agent serves HTTP: scheme, host and port, plus the API URLs under it.
public struct MesosEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public enum Scheme: String, Sendable, Hashable {
        case http, https

        /// The port a URL of this scheme means when it names none (80/443). Mesos addresses use 5050/5051.
        public var urlDefaultPort: Int { self == .http ? 80 : 443 }
    }

    /// A master's port when an address names none.
    public static let defaultMasterPort = 5050
    /// An agent's port when an address names none.
    public static let defaultAgentPort = 5051

    public var scheme: Scheme
    /// Host name or IP address; IPv6 without brackets.
    public var host: String
    public var port: Int

    public init(scheme: Scheme = .http, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `http://host:port` or `https://host[:port][/]`, e.g. a master flag or
    /// `MESOS_AGENT_ENDPOINT` (`127.0.0.1:5051`). IPv6 hosts need brackets (`[::1]:5050`).
    public init(parsing text: String, defaultPort: Int) throws(MasterAddressError) {
        let input = text.trimmingASCIISpaces()
        guard !input.isEmpty else { throw .empty }
        var rest = Substring(input)
        var scheme = Scheme.http
        if let separator = rest.range(of: "://") {
            let name = rest[..<separator.lowerBound].lowercased()
            guard let known = Scheme(rawValue: name) else {
                throw .unknownScheme(scheme: name, input: input)
            }
            scheme = known
            rest = rest[separator.upperBound...]
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]
        guard path.isEmpty || path == "/" else {
            throw .unexpectedPath(path: String(path), input: input)
        }
        let (host, port) = try HostPort.parse(authority, defaultPort: defaultPort, input: input)
        self.init(scheme: scheme, host: host, port: port)
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `http://host:port`.
    public var baseURL: String { "\(scheme.rawValue)://\(hostAndPort)" }

    /// The scheduler API: `…/api/v1/scheduler`.
    public var schedulerURL: String { url(path: "/api/v1/scheduler") }
    /// The executor API of an agent: `…/api/v1/executor`.
    public var executorURL: String { url(path: "/api/v1/executor") }
    /// The operator API: `…/api/v1`.
    public var operatorURL: String { url(path: "/api/v1") }

    /// `baseURL` followed by `path` (which should start with `/`).
    public func url(path: String) -> String { baseURL + (path.hasPrefix("/") ? path : "/" + path) }

    public var description: String { baseURL }

    /// Where to re-send a request that got `307` with `location` from this endpoint.
    ///
    /// A non-leading master answers `Location: //<leader-host>:<port>/api/v1/scheduler` (protocol-relative:
    /// it keeps this endpoint's scheme). Absolute `http(s)://` locations and absolute paths (`/…`, same host)
    /// are resolved too.
    public func resolvingRedirect(location: String) throws(MasterAddressError) -> MesosRedirect {
        let text = location.trimmingASCIISpaces()
        func invalid(_ reason: String) -> MasterAddressError {
            .invalidRedirect(location: location, reason: reason)
        }
        guard !text.isEmpty else { throw invalid("it is empty") }
        var scheme = self.scheme
        var rest: Substring
        if text.hasPrefix("//") {
            rest = text.dropFirst(2)
        } else if let separator = text.range(of: "://") {
            let name = text[..<separator.lowerBound].lowercased()
            guard let known = Scheme(rawValue: name) else {
                throw invalid("unsupported scheme \"\(name)\"")
            }
            scheme = known
            rest = text[separator.upperBound...]
        } else if text.hasPrefix("/") {
            return MesosRedirect(endpoint: self, path: text)
        } else {
            throw invalid("expected //host:port/path, http(s)://host:port/path or /path")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let path = rest[authority.endIndex...]
        let host: String
        let port: Int
        do {
            (host, port) = try HostPort.parse(
                authority, defaultPort: scheme.urlDefaultPort, input: location)
        } catch {
            throw invalid("\(error)")
        }
        return MesosRedirect(
            endpoint: MesosEndpoint(scheme: scheme, host: host, port: port),
            path: path.isEmpty ? "/" : (path.hasPrefix("/") ? String(path) : "/" + path))
    }
}

/// The target of a 307 redirect: the endpoint to use from now on and the path to re-send the request to.
public struct MesosRedirect: Sendable, Hashable, CustomStringConvertible {
    public var endpoint: MesosEndpoint
    /// Path (and query, if any), starting with `/`.
    public var path: String

    public init(endpoint: MesosEndpoint, path: String) {
        self.endpoint = endpoint
        self.path = path
    }

    /// The full URL to re-send the request to.
    public var url: String { endpoint.url(path: path) }

    public var description: String { url }
}

/// Parsing of `host[:port]` and `[v6]:port` pieces of addresses.
enum HostPort {
    static func parse(_ text: Substring, defaultPort: Int, input: String) throws(MasterAddressError)
        -> (
            host: String, port: Int
        )
    {
        guard !text.isEmpty else { throw .missingHost(input: input) }
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidHost(host: String(text), input: input, reason: "no closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw .invalidHost(
                    host: String(text), input: input, reason: "unexpected text after ]")
            }
            guard !host.isEmpty,
                host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" })
            else {
                throw .invalidHost(host: String(host), input: input, reason: "not an IPv6 address")
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                throw .invalidHost(
                    host: String(text), input: input,
                    reason: "IPv6 addresses need brackets: [::1]:5050")
            }
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
                portText = nil
            }
            guard !host.isEmpty else { throw .missingHost(input: input) }
            guard
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
                )
            else {
                throw .invalidHost(
                    host: String(host), input: input,
                    reason: "only letters, digits, '-', '.' and '_' are allowed")
            }
        }
        guard let portText else { return (String(host), defaultPort) }
        guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText),
            (1...65535).contains(port)
        else {
            throw .invalidPort(port: String(portText), input: input)
        }
        return (String(host), port)
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first,
            first == " " || first == "\t" || first == "\n" || first == "\r"
        {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
            slice = slice.dropLast()
        }
        return String(slice)
    }
}

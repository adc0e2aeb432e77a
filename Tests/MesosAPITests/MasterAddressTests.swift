import MesosAPI
import Testing

@Suite("Master addresses and redirects")
struct MasterAddressTests {
    static let accepted: [(String, MasterAddress)] = [
        ("127.0.0.1:5050", .endpoints([MesosEndpoint(host: "127.0.0.1", port: 5050)])),
        ("master.example", .endpoints([MesosEndpoint(host: "master.example", port: 5050)])),
        ("http://m1:15050", .endpoints([MesosEndpoint(host: "m1", port: 15050)])),
        ("http://m1:5050/", .endpoints([MesosEndpoint(host: "m1", port: 5050)])),
        ("HTTPS://m1", .endpoints([MesosEndpoint(scheme: .https, host: "m1", port: 5050)])),
        ("[::1]:5051", .endpoints([MesosEndpoint(host: "::1", port: 5051)])),
        (
            " m1:5050,m2 ",
            .endpoints([
                MesosEndpoint(host: "m1", port: 5050), MesosEndpoint(host: "m2", port: 5050),
            ])
        ),
        (
            "zk://127.0.0.1:2181/mesos",
            .zooKeeper(ZooKeeperMasterAddress(servers: ["127.0.0.1:2181"], path: "/mesos"))
        ),
        (
            "zk://h1:2181,h2,h3:2182/mesos/",
            .zooKeeper(
                ZooKeeperMasterAddress(servers: ["h1:2181", "h2:2181", "h3:2182"], path: "/mesos"))
        ),
        (
            "zk://h1:2181/a/b",
            .zooKeeper(ZooKeeperMasterAddress(servers: ["h1:2181"], path: "/a/b"))
        ),
        (
            "zk://jo:s3cret@h1:2181/mesos",
            .zooKeeper(
                ZooKeeperMasterAddress(
                    servers: ["h1:2181"], path: "/mesos",
                    credentials: .init(user: "jo", password: "s3cret")))
        ),
        ("local", .local),
    ]

    @Test func acceptedForms() throws {
        for (text, expected) in Self.accepted {
            #expect(try MasterAddress(parsing: text) == expected, "\(text)")
        }
    }

    @Test func refusedFormsSayWhatIsWrong() {
        let refused: [(String, MasterAddressError, String)] = [
            ("", .empty, "empty"),
            ("   ", .empty, "empty"),
            ("m1:0", .invalidPort(port: "0", input: "m1:0"), "invalid port \"0\""),
            ("m1:65536", .invalidPort(port: "65536", input: "m1:65536"), "1-65535"),
            ("m1:http", .invalidPort(port: "http", input: "m1:http"), "invalid port"),
            ("m1:", .invalidPort(port: "", input: "m1:"), "invalid port"),
            (":5050", .missingHost(input: ":5050"), "names no host"),
            ("m1,,m2", .missingHost(input: "m1,,m2"), "names no host"),
            (
                "::1",
                .invalidHost(
                    host: "::1", input: "::1", reason: "IPv6 addresses need brackets: [::1]:5050"),
                "brackets"
            ),
            (
                "m 1:5050",
                .invalidHost(
                    host: "m 1", input: "m 1:5050",
                    reason: "only letters, digits, '-', '.' and '_' are allowed"),
                "invalid host"
            ),
            (
                "http://m1:5050/master",
                .unexpectedPath(path: "/master", input: "http://m1:5050/master"),
                "path \"/master\""
            ),
            (
                "ftp://m1", .unknownScheme(scheme: "ftp", input: "ftp://m1"),
                "unknown scheme \"ftp\""
            ),
            (
                "file:///etc/mesos/zk",
                .unsupportedScheme(
                    scheme: "file", input: "file:///etc/mesos/zk",
                    hint: "give the zk:// URL the file holds instead of the file"), "zk:// URL"
            ),
            ("zk://h1:2181", .missingZooKeeperPath(input: "zk://h1:2181"), "no znode path"),
            ("zk://h1:2181/", .missingZooKeeperPath(input: "zk://h1:2181/"), "no znode path"),
            ("zk:///mesos", .missingHost(input: "zk:///mesos"), "names no host"),
            (
                "zk://h1:2181//mesos",
                .invalidZooKeeperPath(path: "//mesos", input: "zk://h1:2181//mesos"),
                "invalid znode path"
            ),
            (
                "zk://h1:99999/mesos", .invalidPort(port: "99999", input: "zk://h1:99999/mesos"),
                "invalid port"
            ),
        ]
        for (text, expected, phrase) in refused {
            do {
                let address = try MasterAddress(parsing: text)
                Issue.record("\"\(text)\" was accepted as \(address)")
            } catch {
                #expect(error == expected, "\"\(text)\"")
                #expect(error.description.contains(phrase), "\"\(text)\": \(error)")
            }
        }
    }

    @Test func passwordsNeverAppearInDescriptionsOrErrors() {
        let address = try? MasterAddress(parsing: "zk://jo:s3cret@h1:2181/mesos")
        #expect(address?.description == "zk://jo:***@h1:2181/mesos")
        #expect(throws: MasterAddressError.missingZooKeeperPath(input: "zk://jo:***@h1:2181")) {
            try MasterAddress(parsing: "zk://jo:s3cret@h1:2181")
        }
        #expect(throws: MasterAddressError.invalidCredentials(input: "zk://nocolon@h1/mesos")) {
            try MasterAddress(parsing: "zk://nocolon@h1/mesos")
        }
    }

    @Test func zooKeeperConnectStrings() throws {
        let zk = try ZooKeeperMasterAddress(parsing: "zk://h1:2181,h2/mesos")
        #expect(zk.serverList == "h1:2181,h2:2181")
        #expect(zk.connectString == "h1:2181,h2:2181/mesos")
        #expect(zk.description == "zk://h1:2181,h2:2181/mesos")
    }

    @Test func endpointURLs() throws {
        let master = try MesosEndpoint(
            parsing: "127.0.0.1:5050", defaultPort: MesosEndpoint.defaultMasterPort)
        #expect(master.schedulerURL == "http://127.0.0.1:5050/api/v1/scheduler")
        #expect(master.operatorURL == "http://127.0.0.1:5050/api/v1")
        #expect(master.url(path: "master/state") == "http://127.0.0.1:5050/master/state")
        // MESOS_AGENT_ENDPOINT has no scheme and no path.
        let agent = try MesosEndpoint(
            parsing: "127.0.0.2:5051", defaultPort: MesosEndpoint.defaultAgentPort)
        #expect(agent.executorURL == "http://127.0.0.2:5051/api/v1/executor")
        #expect(
            try MesosEndpoint(parsing: "[::1]", defaultPort: 5051).executorURL
                == "http://[::1]:5051/api/v1/executor")
    }

    @Test func resolvesRedirects() throws {
        let standby = MesosEndpoint(host: "127.0.0.2", port: 5050)
        let resolved: [(String, String, MesosEndpoint)] = [
            (
                "//127.0.0.3:5050/api/v1/scheduler", "http://127.0.0.3:5050/api/v1/scheduler",
                MesosEndpoint(host: "127.0.0.3", port: 5050)
            ),
            (
                "//leader.example:15050", "http://leader.example:15050/",
                MesosEndpoint(host: "leader.example", port: 15050)
            ),
            (
                "//[::1]:5050/api/v1/scheduler", "http://[::1]:5050/api/v1/scheduler",
                MesosEndpoint(host: "::1", port: 5050)
            ),
            (
                "http://m3:5050/api/v1/scheduler", "http://m3:5050/api/v1/scheduler",
                MesosEndpoint(host: "m3", port: 5050)
            ),
            (
                "https://m3/api/v1", "https://m3:443/api/v1",
                MesosEndpoint(scheme: .https, host: "m3", port: 443)
            ),
            ("/api/v1/scheduler", "http://127.0.0.2:5050/api/v1/scheduler", standby),
        ]
        for (location, url, endpoint) in resolved {
            let redirect = try standby.resolvingRedirect(location: location)
            #expect(redirect.url == url, "\(location)")
            #expect(redirect.endpoint == endpoint, "\(location)")
        }
        // Protocol-relative keeps the scheme of the request.
        let secure = MesosEndpoint(scheme: .https, host: "m1", port: 5050)
        #expect(
            try secure.resolvingRedirect(location: "//m2:5050/api/v1/scheduler").url
                == "https://m2:5050/api/v1/scheduler")

        for bad in ["", "//", "//:5050/x", "//m2:notaport/x", "gopher://m2/", "api/v1/scheduler"] {
            #expect(throws: MasterAddressError.self, "\"\(bad)\"") {
                try standby.resolvingRedirect(location: bad)
            }
        }
        let error = #expect(throws: MasterAddressError.self) {
            try standby.resolvingRedirect(location: "//m2:0/x")
        }
        #expect(error?.description.contains("//m2:0/x") == true)
    }
}

import EtcdClient
import EtcdMesosTesting
import Testing

/// A dead or hung member must cost a caller at most its call timeout, with an error that says where and what.
@Suite("Unreachable endpoints")
struct UnreachableEndpointTests {
    static let callTimeout = Duration.seconds(2)
    /// Slack for CI, where every suite runs at once on two cores; a hang would exceed it by far.
    static let margin = Duration.seconds(90)

    enum Call: String, CaseIterable, CustomTestStringConvertible {
        case status, memberList, put, snapshot
        var testDescription: String { rawValue }

        func run(on client: EtcdClient) async throws {
            switch self {
            case .status: _ = try await client.status()
            case .memberList: _ = try await client.memberList()
            case .put: try await client.put("k", value: "v")
            case .snapshot: try await client.snapshot { stream in for try await _ in stream {} }
            }
        }
    }

    /// Runs `call` against `endpoint` and returns the error and how long it took to arrive.
    func failure(
        of call: Call, at endpoint: String, callTimeout: Duration = Self.callTimeout
    ) async throws -> (EtcdClientError, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await #require(throws: EtcdClientError.self) {
            try await EtcdClient.withClient(endpoint: endpoint, callTimeout: callTimeout) {
                client in
                try await call.run(on: client)
            }
        }
        return (error, start.duration(to: clock.now))
    }

    @Test("nothing listening: unavailable at once", arguments: Call.allCases)
    func nothingListening(call: Call) async throws {
        try await withRefusingPort { port in try await refused(call, port: port) }
    }

    private func refused(_ call: Call, port: Int) async throws {
        let endpoint = "127.0.0.1:\(port)"
        // A refused connection must fail the call without waiting out its deadline: a long deadline
        // shows that it does not (a short one could expire first on a loaded machine).
        let patientTimeout = Duration.seconds(240)
        let (error, elapsed) = try await failure(
            of: call, at: endpoint, callTimeout: patientTimeout)
        #expect(elapsed < patientTimeout / 2, "took \(elapsed)")
        let description = "\(error)"
        #expect(description.contains(endpoint), "\(description)")
        guard case .unavailable = error else {
            Issue.record("expected unavailable, got: \(description)")
            return
        }
    }

    @Test("accepts TCP but never answers: deadline exceeded", arguments: Call.allCases)
    func silentListener(call: Call) async throws {
        try await withSilentListener { port in
            let endpoint = "127.0.0.1:\(port)"
            let (error, elapsed) = try await failure(of: call, at: endpoint)
            #expect(elapsed < Self.callTimeout + Self.margin, "took \(elapsed)")
            #expect(
                elapsed >= Self.callTimeout - .milliseconds(100), "gave up early after \(elapsed)")
            let description = "\(error)"
            #expect(description.contains(endpoint), "\(description)")
            guard case .deadlineExceeded(_, _, let after) = error, after == Self.callTimeout else {
                Issue.record(
                    "expected deadline exceeded after \(Self.callTimeout), got: \(description)")
                return
            }
        }
    }
}

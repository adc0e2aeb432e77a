import EtcdClient
import Testing

@Suite("Endpoints")
struct EndpointTests {
    @Test(arguments: [
        "127.0.0.1:2379", "http://127.0.0.1:2379", "http://127.0.0.1:2379/", "localhost:2379",
        "[::1]:2379",
    ])
    func acceptsTheFormsEtcdPrints(endpoint: String) throws {
        let client = try EtcdClient(endpoint: endpoint)
        #expect(client.endpoint == endpoint)
    }

    @Test(arguments: [
        ("https://127.0.0.1:2379", "scheme"), ("127.0.0.1", "missing :port"),
        ("127.0.0.1:0", "port"),
        ("127.0.0.1:http", "port"), (":2379", "missing host"), ("http://127.0.0.1:2379/v3", "path"),
    ])
    func rejectsWhatItCannotReach(endpoint: String, reasonMentions: String) {
        #expect {
            _ = try EtcdClient(endpoint: endpoint)
        } throws: { error in
            guard case .invalidEndpoint(let given, let reason) = error as? EtcdClientError else {
                return false
            }
            return given == endpoint && reason.contains(reasonMentions)
                && "\(error)".contains(endpoint)
        }
    }

    @Test func prefixRangeEnds() {
        #expect(EtcdClient.rangeEnd(forPrefix: "a/") == Array("a0".utf8))
        #expect(EtcdClient.rangeEnd(forPrefix: [0x61, 0xff]) == [0x62])
        #expect(EtcdClient.rangeEnd(forPrefix: [0xff, 0xff]) == [0])
    }
}

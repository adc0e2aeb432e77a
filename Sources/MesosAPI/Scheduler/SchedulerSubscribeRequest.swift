import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// The `SUBSCRIBE` POST, with the redirects of standby masters followed here rather than by the HTTP client.
///
/// A standby master answers `307` with `Location: //<leader>:<port>/master/api/v1/scheduler` (src/master/http.cpp,
/// `Master::Http::scheduler` → `redirect()`), and `503 "No leader elected"` while it knows no leader. The request
/// is re-sent, identical and with its `Authorization`, to the location, at most `maximumRedirects` times; the
/// URL that finally answers 200 is where every later call of the subscription goes. The HTTP client must not
/// follow redirects itself (`HTTPClient.Configuration.mesos`): it would drop `Authorization` across hosts and
/// hide which master accepted the subscription.
struct SchedulerSubscribeRequest: Sendable {
    /// What answered 200: the response (its body is the event stream), the master and URL that accepted it.
    struct Accepted: Sendable {
        var response: HTTPClientResponse
        var endpoint: MesosEndpoint
        var url: String
        var streamID: String
    }

    var body: Data
    var credential: MesosCredential?
    var httpClient: HTTPClient
    var timeout: Duration
    var maximumRedirects: Int
    var logger: Logger

    /// Posts to `master`'s scheduler API and follows redirects to the leader.
    func send(to master: MesosEndpoint) async throws -> Accepted {
        var endpoint = master
        var url = master.schedulerURL
        var locations: [String] = []
        while true {
            let response = try await post(to: url, endpoint: endpoint)
            switch response.status.code {
            case 200:
                guard let streamID = response.headers.first(name: "Mesos-Stream-Id") else {
                    throw SchedulerClientError.missingStreamID(master: endpoint.description)
                }
                return Accepted(
                    response: response, endpoint: endpoint, url: url, streamID: streamID)
            case 307:
                let location = response.headers.first(name: "Location") ?? ""
                _ = try? await response.body.collect(upTo: 1 << 16)
                locations.append(location)
                guard locations.count <= maximumRedirects else {
                    throw SchedulerClientError.tooManyRedirects(
                        master: master.description, locations: locations)
                }
                let redirect = try endpoint.resolvingRedirect(location: location)
                logger.info(
                    "the master does not lead: following its redirect to the leader",
                    metadata: ["master": "\(endpoint)", "to": "\(redirect)"])
                endpoint = redirect.endpoint
                url = redirect.url
            case 503:
                throw SchedulerClientError.notLeading(
                    master: endpoint.description, call: "SUBSCRIBE", status: 503,
                    detail: await Self.text(of: response))
            default:
                throw SchedulerClientError.subscriptionRefused(
                    master: endpoint.description, status: Int(response.status.code),
                    body: await Self.text(of: response))
            }
        }
    }

    private func post(to url: String, endpoint: MesosEndpoint) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        credential.map { request.headers.add(name: "Authorization", value: $0.basicAuthorization) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            return try await httpClient.execute(request, timeout: .init(timeout))
        } catch {
            throw SchedulerClientError.unreachable(master: endpoint.description, reason: "\(error)")
        }
    }

    /// A short answer body, trimmed, for error messages.
    static func text(of response: HTTPClientResponse) async -> String {
        let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) }
        return (body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension HTTPClient.Configuration {
    /// The configuration of a client for Mesos scheduler calls: redirects are not followed (the subscription
    /// follows a standby's 307 itself, keeping `Authorization`, and sends later calls to the master that
    /// accepted it), no read timeout (the event stream is quiet between heartbeats; the subscription has its
    /// own heartbeat watchdog), and `connectTimeout` to connect.
    public static func mesos(connectTimeout: Duration = .seconds(5)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .init(connectTimeout), read: nil))
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

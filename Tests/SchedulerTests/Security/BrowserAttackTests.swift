import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EtcdScheduler

/// Attacks a web page can make a visitor's browser carry out against the admin API (cross-site request
/// forgery): a form or `text/plain` POST, which needs no CORS preflight, and any request from another origin.
/// Each is refused even with the right token, and changes nothing.
@Suite("Security: cross-site requests to the admin API")
struct BrowserAttackTests {
    static let mutations = ["/backups", "/reseed", "/restore"]

    @Test(
        "a form-encoded, multipart or text/plain POST is refused with 415, and nothing happens",
        arguments: [
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "text/plain;charset=UTF-8",
        ])
    func formEncodedPostRefused(contentType: String) async throws {
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for path in Self.mutations {
                    let response = try await client.execute(
                        uri: path, method: .post, headers: bearer([.contentType: contentType]),
                        body: ByteBuffer(string: "backup=\(fixture.backupID)"))
                    #expect(response.status == .unsupportedMediaType, "POST \(path)")
                    #expect(
                        errorMessage(response).contains("Content-Type: application/json"),
                        "POST \(path): \(errorMessage(response))")
                    #expect(errorMessage(response).contains(contentType), "POST \(path)")
                }
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("a POST with a body but no Content-Type is refused with 415")
    func bodyWithoutContentTypeRefused() async throws {
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                let response = try await client.execute(
                    uri: "/restore", method: .post, headers: bearer(),
                    body: ByteBuffer(string: #"{"backup": "\#(fixture.backupID)"}"#))
                #expect(response.status == .unsupportedMediaType)
                #expect(errorMessage(response).contains("a body without Content-Type"))
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("JSON or no body at all is accepted")
    func jsonOrNoBodyAccepted() async throws {
        try await AdminAPIFixture.with { fixture in
            try await fixture.withClient { client in
                let restore = try await client.execute(
                    uri: "/restore", method: .post,
                    headers: bearer([.contentType: "Application/JSON; charset=utf-8"]),
                    body: ByteBuffer(string: #"{"backup": "\#(fixture.backupID)"}"#))
                // Through to the reconciler, which refuses: the cluster is not lost.
                #expect(restore.status == .conflict, "\(errorMessage(restore))")
                let backup = try await client.execute(
                    uri: "/backups", method: .post, headers: bearer())
                #expect(backup.status == .serviceUnavailable)
            }
        }
    }

    @Test(
        "a request from another origin is refused with 403, even with the token; nothing changes",
        arguments: [
            "http://evil.example", "http://127.0.0.1:23401", "https://127.0.0.1:23400", "null",
        ])
    func foreignOriginRefused(origin: String) async throws {
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for path in Self.mutations {
                    let response = try await client.execute(
                        uri: path, method: .post, headers: bearer([.origin: origin]))
                    #expect(response.status == .forbidden, "POST \(path) from \(origin)")
                    #expect(
                        errorMessage(response).contains("another origin (\(origin))"),
                        "\(errorMessage(response))")
                    #expect(errorMessage(response).contains(AdminAPIFixture.ownOrigin))
                }
                let download = try await client.execute(
                    uri: "/backups/\(fixture.backupID)", method: .get,
                    headers: bearer([.origin: origin]))
                #expect(download.status == .forbidden)
                #expect(Data(download.body.readableBytesView).range(of: fixture.archive) == nil)
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("the admin API's own origin is accepted")
    func ownOriginAccepted() async throws {
        try await AdminAPIFixture.with { fixture in
            try await fixture.withClient { client in
                let response = try await client.execute(
                    uri: "/backups", method: .get,
                    headers: bearer([.origin: AdminAPIFixture.ownOrigin + "/"]))
                #expect(response.status == .ok)
            }
        }
    }
}

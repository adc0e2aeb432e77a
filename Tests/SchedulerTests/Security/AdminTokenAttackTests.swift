import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import EtcdScheduler

/// Attacks on the admin API by someone who reaches its port without the admin token: each is refused with
/// 401, a JSON error and `WWW-Authenticate: Bearer`, and changes nothing (no file, no backup attempt, no
/// reconciler action).
@Suite("Security: the admin token guards mutations and backup data")
struct AdminTokenAttackTests {
    static let backupReads = ["/backups", "/backups/{id}", "/backups/{id}/manifest"]
    static let mutations: [(path: String, body: String?)] = [
        ("/backups", nil), ("/reseed", nil), ("/restore", #"{"backup": "{id}"}"#),
    ]

    static func expectRefused(
        _ response: TestResponse, _ what: String, invalidToken: Bool = false
    ) {
        #expect(response.status == .unauthorized, "\(what)")
        #expect(response.headers[.contentType] == "application/json", "\(what)")
        #expect(
            errorMessage(response).contains("admin token"), "\(what): \(errorMessage(response))")
        let challenge = response.headers[.wwwAuthenticate] ?? ""
        #expect(challenge.hasPrefix("Bearer"), "\(what)")
        #expect(challenge.contains("invalid_token") == invalidToken, "\(what): \(challenge)")
    }

    @Test("downloading a backup without the token: 401, and not one byte of it")
    func downloadWithoutToken() async throws {
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for template in Self.backupReads {
                    let path = template.replacingOccurrences(of: "{id}", with: fixture.backupID)
                    let response = try await client.execute(uri: path, method: .get)
                    Self.expectRefused(response, "GET \(path)")
                    let body = Data(response.body.readableBytesView)
                    #expect(
                        body.range(of: fixture.archive) == nil, "GET \(path) leaked the archive")
                    #expect(
                        String(decoding: body, as: UTF8.self).contains(fixture.backupID) == false,
                        "GET \(path) leaked the backup's ID")
                }
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("mutations without the token: 401; no backup taken, no reseed, no restore")
    func mutationWithoutToken() async throws {
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for mutation in Self.mutations {
                    let body = mutation.body.map {
                        ByteBuffer(
                            string: $0.replacingOccurrences(of: "{id}", with: fixture.backupID))
                    }
                    let response = try await client.execute(
                        uri: mutation.path, method: .post,
                        headers: [.contentType: "application/json"], body: body)
                    Self.expectRefused(response, "POST \(mutation.path)")
                }
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("mutations with a wrong token: 401 invalid_token; nothing changes")
    func mutationWithWrongToken() async throws {
        let token = AdminAPIFixture.token
        let wrongTokens = [
            "wrong", String(token.dropLast()), token + "x", token.uppercased(), "",
        ]
        try await AdminAPIFixture.with { fixture in
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for wrong in wrongTokens {
                    for mutation in Self.mutations {
                        let body = mutation.body.map {
                            ByteBuffer(
                                string: $0.replacingOccurrences(of: "{id}", with: fixture.backupID))
                        }
                        let response = try await client.execute(
                            uri: mutation.path, method: .post,
                            headers: bearer([.contentType: "application/json"], token: wrong),
                            body: body)
                        Self.expectRefused(
                            response, "POST \(mutation.path) with \"\(wrong)\"", invalidToken: true)
                    }
                }
                let basic = try await client.execute(
                    uri: "/backups", method: .post,
                    headers: [
                        .authorization: "Basic \(Data("a:\(token)".utf8).base64EncodedString())"
                    ])
                #expect(basic.status == .unauthorized)
                #expect(errorMessage(basic).contains("bearer token"), "\(errorMessage(basic))")
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("the scheme is case-insensitive: `bearer` and `BEARER` are accepted")
    func lowercaseBearerAccepted() async throws {
        try await AdminAPIFixture.with { fixture in
            try await fixture.withClient { client in
                for scheme in ["bearer", "BEARER", "Bearer"] {
                    let headers: HTTPFields = [.authorization: "\(scheme) \(AdminAPIFixture.token)"]
                    let list = try await client.execute(
                        uri: "/backups", method: .get, headers: headers)
                    #expect(list.status == .ok, "\(scheme)")
                    let download = try await client.execute(
                        uri: "/backups/\(fixture.backupID)", method: .get, headers: headers)
                    #expect(download.status == .ok, "\(scheme)")
                    #expect(Data(download.body.readableBytesView) == fixture.archive)
                }
                // A mutation gets through to the service, which has no member to snapshot.
                let backup = try await client.execute(
                    uri: "/backups", method: .post,
                    headers: [.authorization: "bearer \(AdminAPIFixture.token)"])
                #expect(backup.status == .serviceUnavailable, "\(errorMessage(backup))")
                #expect(await fixture.backups.statistics.failures == 1)
                // A reseed reaches the reconciler, which refuses it: the cluster has not formed.
                let reseed = try await client.execute(
                    uri: "/reseed", method: .post,
                    headers: [.authorization: "bearer \(AdminAPIFixture.token)"])
                #expect(reseed.status == .conflict)
                #expect(!fixture.actions.performed.withLock { $0.isEmpty })
            }
        }
    }

    @Test("status routes stay open: Marathon and Prometheus need no token")
    func statusRoutesStayOpen() async throws {
        try await AdminAPIFixture.with { fixture in
            try await fixture.withClient { client in
                for path in ["/stats", "/members", "/membership", "/healthz", "/metrics", "/"] {
                    let response = try await client.execute(uri: path, method: .get)
                    #expect(response.status == .ok, "GET \(path)")
                }
                // Only GET is open: the same paths take no other method without the token.
                let post = try await client.execute(uri: "/stats", method: .post)
                #expect(post.status == .unauthorized)
            }
        }
    }
}

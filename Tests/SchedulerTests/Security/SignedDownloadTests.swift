import Foundation
import Hummingbird
import HummingbirdTesting
import TaskContract
import Testing

@testable import EtcdScheduler
@testable import Reconciler

/// The executor that restores a backup gets a signed URL for that one archive, never the admin token: the URL
/// opens nothing else, and stops working when it expires or when any part of it is changed.
@Suite("Security: signed backup download URLs")
struct SignedDownloadTests {
    @Test("a signed URL downloads its backup without the token")
    func signedURLDownloads() async throws {
        try await AdminAPIFixture.with { fixture in
            let path = fixture.access.downloads.signedPath(backupID: fixture.backupID)
            try await fixture.withClient { client in
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok)
                #expect(Data(response.body.readableBytesView) == fixture.archive)
            }
        }
    }

    @Test("a signed URL opens nothing else: another backup, the list, the manifest, a mutation")
    func signedURLIsScoped() async throws {
        try await AdminAPIFixture.with { fixture in
            let path = fixture.access.downloads.signedPath(backupID: fixture.backupID)
            let query = String(path[path.firstIndex(of: "?")!...])
            let before = try await fixture.state()
            try await fixture.withClient { client in
                for (method, uri) in [
                    (HTTPRequest.Method.get, "/backups/etcd-20231114T221320Z-r41" + query),
                    (.get, "/backups" + query),
                    (.get, "/backups/\(fixture.backupID)/manifest" + query),
                    (.post, "/backups" + query), (.post, "/reseed" + query), (.head, path),
                ] {
                    let response = try await client.execute(uri: uri, method: method)
                    #expect(response.status == .unauthorized, "\(method) \(uri)")
                }
            }
            #expect(try await fixture.state() == before)
        }
    }

    @Test("an expired or altered signed URL is refused with 401")
    func expiredOrAlteredRefused() async throws {
        try await AdminAPIFixture.with { fixture in
            let grants = fixture.access.downloads
            let expired = grants.signedPath(
                backupID: fixture.backupID, now: Date().addingTimeInterval(-2 * 3600))
            let valid = grants.signedPath(backupID: fixture.backupID)
            let signature = String(valid.split(separator: "=").last!)
            let flipped = (signature.first == "0" ? "1" : "0") + signature.dropFirst()
            let expires = Int64(Date().timeIntervalSince1970) + 3600
            let altered = [
                expired,
                valid.replacingOccurrences(of: signature, with: flipped),
                valid.replacingOccurrences(of: "expires=", with: "expires=1"),
                "/backups/\(fixture.backupID)?expires=\(expires)&signature=",
                "/backups/\(fixture.backupID)?expires=\(expires)&signature=zz",
                "/backups/\(fixture.backupID)?expires=\(expires)",
                "/backups/\(fixture.backupID)?signature=\(signature)",
            ]
            try await fixture.withClient { client in
                for uri in altered {
                    let response = try await client.execute(uri: uri, method: .get)
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(Data(response.body.readableBytesView).range(of: fixture.archive) == nil)
                }
            }
        }
    }

    @Test("a URL signed with another admin token is refused")
    func otherTokensURLRefused() async throws {
        try await AdminAPIFixture.with { fixture in
            let other = AdminAccess(token: "another-token", ownOrigin: { "" })
            let path = other.downloads.signedPath(backupID: fixture.backupID)
            try await fixture.withClient { client in
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("a restoring task's URL is signed: the executor gets no admin token")
    func taskCarriesSignedURL() throws {
        let urls = ServedURLs(address: "10.0.0.9")
        urls.set(adminPort: 23400, artifactPort: 23401)
        let access = AdminAccess(token: AdminAPIFixture.token, ownOrigin: { urls.admin })
        let builder = MemberTaskBuilder(
            frameworkName: "etcd-prod", urls: urls, executorFileName: "etcd-mesos-executor",
            etcdFileName: "etcd", toolFileNames: ["etcdctl"], downloads: access.downloads)
        let member = MemberIdentity(
            index: 7, host: "127.0.0.3", peerPort: 31000, clientPort: 31001, reseedPort: 31002)
        let launch = MemberLaunch(
            offerID: OfferID("o-1"), agentID: AgentID("a-3"), member: member,
            resources: TaskResources(cpus: 1, memoryMB: 512, diskMB: 1024),
            executorResources: TaskResources(cpus: 0.1, memoryMB: 32, diskMB: 0),
            initialCluster: [InitialClusterEntry(name: member.name, peerURL: member.peerURL)],
            initialClusterState: .new, clusterEpoch: 4, restoreFromBackup: "etcd-prod-x-r9")
        let info = try builder.taskInfo(for: launch, restoreSHA256: "ab12")
        let data = try EtcdTaskData(decoding: try #require(info.data))
        let url = try #require(data.restore?.url)
        #expect(url.hasPrefix("http://10.0.0.9:23400/backups/etcd-prod-x-r9?expires="), "\(url)")
        #expect(url.contains("&signature="))
        #expect(
            !String(decoding: try #require(info.data), as: UTF8.self).contains(
                AdminAPIFixture.token))
        let path = String(url.dropFirst("http://10.0.0.9:23400".count))
        let query = URLComponents(string: url)?.queryItems ?? []
        #expect(
            access.downloads.permits(
                backupID: "etcd-prod-x-r9", expires: query.first { $0.name == "expires" }?.value,
                signature: query.first { $0.name == "signature" }?.value), "\(path)")
    }
}

import AsyncHTTPClient
import EtcdMesosTesting
import Foundation
import ObjectStore
import Testing

/// The S3 client against a real S3-compatible server (SeaweedFS) on loopback.
@Suite("S3 client against SeaweedFS", .serialized)
struct S3ClientTests {
    static func client(
        _ server: SeaweedFSServer, bucket: String = "backups", secret: String? = nil,
        retry: S3RetryPolicy = .standard
    ) throws -> S3Client {
        S3Client(
            endpoint: try S3Endpoint(parsing: server.endpoint), bucket: bucket,
            region: SeaweedFSServer.region,
            credentials: S3Credentials(
                accessKeyID: SeaweedFSServer.accessKeyID,
                secretAccessKey: secret ?? SeaweedFSServer.secretAccessKey),
            retry: retry)
    }

    static func randomData(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    @Test(
        "objects go up, list, read back byte for byte, and are deleted; bad credentials and buckets are named"
    )
    func roundTripAndRefusals() async throws {
        try await withSeaweedFS { server in
            let s3 = try Self.client(server)
            try await s3.createBucket()
            try await s3.createBucket()  // again: already ours, no error

            // One PUT, a key with characters that need encoding.
            let small = Data("hello, store".utf8)
            try await s3.putObject(small, key: "etcd/a b+c.json")
            #expect(try await s3.getObject(key: "etcd/a b+c.json", maximumSize: 1024) == small)
            #expect(try await s3.headObject(key: "etcd/a b+c.json")?.size == Int64(small.count))
            #expect(try await s3.headObject(key: "etcd/missing") == nil)

            // A multipart upload (three parts of 5 MiB, 5 MiB, 2 MiB), checked by its composite ETag.
            let large = Self.randomData(12 * 1024 * 1024)
            let path = NSTemporaryDirectory() + "s3-upload-\(UUID().uuidString)"
            defer { unlink(path) }
            FileManager.default.createFile(atPath: path, contents: large)
            let stored = try await s3.upload(
                key: "etcd/large.bin", partSize: 5 * 1024 * 1024, from: try S3FileSource(path: path)
            )
            #expect(stored.size == Int64(large.count))
            #expect(stored.etag.hasSuffix("-3"))
            let downloaded = path + ".down"
            defer { unlink(downloaded) }
            #expect(
                try await s3.download(key: "etcd/large.bin", to: downloaded, maximumSize: 64 << 20)
                    == Int64(large.count))
            #expect(FileManager.default.contents(atPath: downloaded) == large)

            // A download larger than allowed is refused and leaves no file.
            let capped = path + ".capped"
            await #expect(throws: ObjectStoreError.self) {
                try await s3.download(key: "etcd/large.bin", to: capped, maximumSize: 1024)
            }
            #expect(!FileManager.default.fileExists(atPath: capped))

            let listed = try await s3.list(prefix: "etcd/")
            #expect(listed.map(\.key) == ["etcd/a b+c.json", "etcd/large.bin"])
            #expect(try await s3.list(prefix: "other/").isEmpty)

            // A presigned URL reads the object with no credentials; a tampered one is refused.
            let url = s3.presignedGetURL(key: "etcd/a b+c.json", expires: .seconds(60))
            let fetched = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(fetched.status.code == 200)
            #expect(Data(try await fetched.body.collect(upTo: 1024).readableBytesView) == small)
            let tampered = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: url.replacingOccurrences(of: "a%20b", with: "a%20c")),
                timeout: .seconds(10))
            #expect(tampered.status.code == 403)

            try await s3.deleteObject(key: "etcd/a b+c.json")
            try await s3.deleteObject(key: "etcd/a b+c.json")  // already gone: no error
            #expect(try await s3.list(prefix: "etcd/").map(\.key) == ["etcd/large.bin"])

            // Wrong secret: 403, named, not retried.
            let intruder = try Self.client(server, secret: "not-the-secret")
            await #expect {
                try await intruder.list(prefix: "etcd/")
            } throws: { error in
                guard case ObjectStoreError.accessDenied = error else { return false }
                return "\(error)".contains("refused the credentials")
            }
            // A bucket that does not exist.
            let lost = try Self.client(server, bucket: "no-such-bucket")
            await #expect(throws: ObjectStoreError.noSuchBucket("no-such-bucket")) {
                try await lost.list(prefix: "")
            }
        }
    }

    @Test("an unreachable store is named after the retries, without waiting long")
    func unreachable() async throws {
        let port = try FreePort.allocate()
        let s3 = S3Client(
            endpoint: try S3Endpoint(parsing: "http://127.0.0.1:\(port)"), bucket: "backups",
            region: "us-east-1", credentials: S3Credentials(accessKeyID: "k", secretAccessKey: "s"),
            retry: S3RetryPolicy(attempts: 3, firstDelay: .milliseconds(10)))
        let started = ContinuousClock.now
        await #expect {
            try await s3.list(prefix: "")
        } throws: { error in
            guard case ObjectStoreError.unreachable = error else { return false }
            return "\(error)".contains("127.0.0.1:\(port) is unreachable")
        }
        // Refused connections and 10 ms backoffs: well under a second alone; the bound guards against waiting
        // out a timeout, with room for a loaded CI machine.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test(
        "s3:// locations and endpoints are checked",
        arguments: [
            "s3://", "s3://AB", "s3://bucket_name/x", "http://bucket/x", "s3://bucket/../x",
        ])
    func badLocations(text: String) {
        #expect(throws: ObjectStoreError.self) { try S3Location(parsing: text) }
    }

    @Test func goodLocations() throws {
        let location = try S3Location(parsing: "s3://etcd-backups/prod/cluster-a/")
        #expect(location.bucket == "etcd-backups")
        #expect(location.prefix == "prod/cluster-a")
        #expect(location.key("x.tar.zst") == "prod/cluster-a/x.tar.zst")
        #expect(try S3Location(parsing: "s3://etcd-backups").key("x") == "x")
        #expect(throws: ObjectStoreError.self) { try S3Endpoint(parsing: "ftp://host") }
        #expect(throws: ObjectStoreError.self) { try S3Endpoint(parsing: "http://host/path") }
        #expect(try S3Endpoint(parsing: "http://127.0.0.1:8333/").hostHeader == "127.0.0.1:8333")
    }
}

import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// An S3 client for any S3-compatible store: path-style addressing (`endpoint/bucket/key`), every request
/// signed with SigV4 over its SHA-256 payload hash, bodies sent with `Content-MD5` so the store refuses a body
/// damaged on the way, transient failures (unreachable, 5xx, 429) retried with backoff.
public struct S3Client: Sendable {
    public let endpoint: S3Endpoint
    public let bucket: String
    public let signer: SigV4Signer
    public let retry: S3RetryPolicy
    /// Called before each retry with the failure that caused it (the backup store counts them).
    public let onRetry: (@Sendable (ObjectStoreError) -> Void)?
    let http: HTTPClient

    /// For S3 calls: no redirects (a redirect to another region would break the signature), a short connect
    /// timeout; each call has its own deadline. Lives as long as the process, like `HTTPClient.shared`.
    static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(120)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The largest answer read into memory (listings, errors, sidecars go through `getObject`'s own cap).
    static let maximumAnswerSize = 8 * 1024 * 1024

    public init(
        endpoint: S3Endpoint, bucket: String, region: String, credentials: S3Credentials,
        retry: S3RetryPolicy = .standard, onRetry: (@Sendable (ObjectStoreError) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        signer = SigV4Signer(credentials: credentials, region: region)
        self.retry = retry
        self.onRetry = onRetry
        http = Self.sharedHTTPClient
    }

    /// A stored object, as a listing or `HEAD` describes it.
    public struct ObjectInfo: Sendable, Hashable {
        public var key: String
        public var size: Int64
        /// Without quotes.
        public var etag: String
    }

    // MARK: Buckets and objects

    /// Creates the bucket (used by tests and first set-up); an existing bucket of the same owner is fine.
    public func createBucket() async throws(ObjectStoreError) {
        let answer = try await call(
            "create the bucket", method: .PUT, key: nil, acceptable: [200, 409])
        if answer.status == 409,
            S3XMLElement.parse(answer.body)?.value("Code") != "BucketAlreadyOwnedByYou"
        {
            throw Self.error(for: answer, operation: "create the bucket", key: nil)
        }
    }

    /// Stores `data` under `key` in one request; returns the ETag after checking it is the body's MD5.
    @discardableResult
    public func putObject(
        _ data: Data, key: String, contentType: String = "application/octet-stream"
    )
        async throws(ObjectStoreError) -> String
    {
        let md5 = Data(Insecure.MD5.hash(data: data))
        let answer = try await call(
            "store \(key)", method: .PUT, key: key,
            headers: [("content-type", contentType), ("content-md5", md5.base64EncodedString())],
            body: data)
        let etag = Self.unquoted(answer.headers.first(name: "etag") ?? "")
        guard etag == SigV4Signer.hex(md5) else {
            throw .integrity(
                key: key, reason: "the store answered ETag \(etag), not the MD5 of what was sent")
        }
        return etag
    }

    /// The object's size and ETag; nil when there is no such object.
    public func headObject(key: String) async throws(ObjectStoreError) -> ObjectInfo? {
        let answer = try await call(
            "look up \(key)", method: .HEAD, key: key, acceptable: [200, 404])
        guard answer.status == 200 else { return nil }
        guard let length = answer.headers.first(name: "content-length").flatMap(Int64.init) else {
            throw .malformedResponse(operation: "HEAD \(key)", reason: "no Content-Length")
        }
        return ObjectInfo(
            key: key, size: length, etag: Self.unquoted(answer.headers.first(name: "etag") ?? ""))
    }

    /// The whole object, refused when it is larger than `maximumSize`.
    public func getObject(key: String, maximumSize: Int) async throws(ObjectStoreError) -> Data {
        let answer = try await call(
            "read \(key)", method: .GET, key: key, maximumAnswer: maximumSize)
        return answer.body
    }

    /// The object's first `count` bytes (fewer when it is shorter), read with a `Range` request.
    public func getObjectPrefix(key: String, count: Int) async throws(ObjectStoreError) -> Data {
        precondition(count > 0)
        let answer = try await call(
            "read the first \(count) bytes of \(key)", method: .GET, key: key,
            headers: [("Range", "bytes=0-\(count - 1)")], acceptable: [200, 206],
            maximumAnswer: count)
        return answer.body
    }

    /// Every object whose key starts with `prefix`, in key order, at most `limit` of them.
    public func list(prefix: String, limit: Int = 100_000) async throws(ObjectStoreError)
        -> [ObjectInfo]
    {
        var objects: [ObjectInfo] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let answer = try await call("list \(prefix)", method: .GET, key: nil, query: query)
            guard let root = S3XMLElement.parse(answer.body), root.name == "ListBucketResult" else {
                throw .malformedResponse(
                    operation: "list \(prefix)", reason: "not a ListBucketResult")
            }
            for content in root.all("Contents") {
                guard let key = content.value("Key"),
                    let size = content.value("Size").flatMap(Int64.init)
                else {
                    throw .malformedResponse(
                        operation: "list \(prefix)", reason: "an entry without Key or Size")
                }
                objects.append(
                    ObjectInfo(
                        key: key, size: size, etag: Self.unquoted(content.value("ETag") ?? "")))
            }
            guard objects.count <= limit else {
                throw .malformedResponse(
                    operation: "list \(prefix)",
                    reason: "more than \(limit) objects under the prefix")
            }
            token = root.value("IsTruncated") == "true" ? root.value("NextContinuationToken") : nil
        } while token != nil
        return objects
    }

    /// Deletes `key`; deleting a missing object is no error (as in S3).
    public func deleteObject(key: String) async throws(ObjectStoreError) {
        _ = try await call("delete \(key)", method: .DELETE, key: key, acceptable: [200, 204, 404])
    }

    /// A URL that lets its holder `GET` `key` for `expires`, with no credentials of its own.
    public func presignedGetURL(key: String, expires: Duration, now: Date = Date()) -> String {
        let path = self.path(key: key)
        let query = signer.presignedQuery(
            method: "GET", host: endpoint.hostHeader, path: path, expires: expires, at: now)
        return endpoint.base + path + "?" + query
    }

    // MARK: Requests

    /// An answer read whole.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    func path(key: String?) -> String {
        var path = "/" + SigV4Signer.encode(bucket, keepingSlashes: false)
        if let key { path += "/" + SigV4Signer.encode(key, keepingSlashes: true) }
        return path
    }

    /// Signs and sends one request (again after transient failures), reading the answer whole up to
    /// `maximumAnswer`. Statuses outside `acceptable` become the matching `ObjectStoreError`.
    func call(
        _ operation: String, method: HTTPMethod, key: String?, query: [(String, String)] = [],
        headers: [(String, String)] = [], body: Data? = nil, acceptable: Set<Int> = [200, 204],
        maximumAnswer: Int = S3Client.maximumAnswerSize, timeout: Duration = .seconds(120)
    ) async throws(ObjectStoreError) -> Answer {
        try await retrying { () throws(ObjectStoreError) in
            let answer = try await send(
                method: method, key: key, query: query, headers: headers, body: body,
                maximumAnswer: maximumAnswer, timeout: timeout)
            guard acceptable.contains(answer.status) else {
                throw Self.error(for: answer, operation: operation, key: key)
            }
            return answer
        }
    }

    /// Runs `attempt` again after a transient failure (unreachable, 5xx, 429), up to the retry policy's
    /// attempts, waiting longer each time; `afterFailure` runs after every failed attempt.
    func retrying<T>(
        _ attempt: () async throws(ObjectStoreError) -> T, afterFailure: () -> Void = {}
    ) async throws(ObjectStoreError) -> T {
        var tries = 0
        while true {
            tries += 1
            do throws(ObjectStoreError) {
                return try await attempt()
            } catch {
                afterFailure()
                guard error.isTransient, tries < retry.attempts, !Task.isCancelled else {
                    throw error
                }
                onRetry?(error)
                try? await Task.sleep(for: retry.delay(beforeAttempt: tries + 1))
            }
        }
    }

    /// `method` on `key` (the bucket when nil), signed with SigV4 over `body`'s SHA-256.
    func signedRequest(
        method: HTTPMethod, key: String?, query: [(String, String)] = [],
        headers: [(String, String)] = [], body: Data? = nil
    ) -> HTTPClientRequest {
        let path = self.path(key: key)
        let canonicalQuery = SigV4Signer.canonicalQuery(query)
        let payloadHash = body.map { SigV4Signer.hexSHA256($0) } ?? SigV4Signer.emptyPayloadHash
        var signed =
            headers + [
                ("host", endpoint.hostHeader), ("x-amz-content-sha256", payloadHash),
            ]
        if let body { signed.append(("content-length", "\(body.count)")) }
        signed += signer.authorizationHeaders(
            for: .init(
                method: method.rawValue, path: path, query: query, headers: signed,
                payloadHash: payloadHash),
            at: Date())
        var request = HTTPClientRequest(
            url: endpoint.base + path + (canonicalQuery.isEmpty ? "" : "?" + canonicalQuery))
        request.method = method
        for (name, value) in signed { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return request
    }

    private func send(
        method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)],
        body: Data?, maximumAnswer: Int, timeout: Duration
    ) async throws(ObjectStoreError) -> Answer {
        let request = signedRequest(
            method: method, key: key, query: query, headers: headers, body: body)
        do {
            let response = try await http.execute(request, timeout: .init(timeout))
            let collected = try await response.body.collect(upTo: maximumAnswer)
            let data = Data(collected.readableBytesView)
            return Answer(status: Int(response.status.code), headers: response.headers, body: data)
        } catch let error as NIOTooManyBytesError {
            throw .integrity(
                key: key ?? bucket,
                reason: "the answer is larger than \(maximumAnswer) bytes (\(error))")
        } catch {
            throw .unreachable(endpoint: endpoint.base, reason: "\(error)")
        }
    }

    /// The error an unexpected status means, from the store's XML error body when it has one.
    static func error(for answer: Answer, operation: String, key: String?) -> ObjectStoreError {
        let document = S3XMLElement.parse(answer.body)
        let code = document?.value("Code") ?? "HTTP\(answer.status)"
        let message = document?.value("Message") ?? ""
        switch (answer.status, code) {
        case (403, _): return .accessDenied(code: code, message: message)
        case (404, "NoSuchBucket"): return .noSuchBucket(document?.value("BucketName") ?? "")
        case (404, "NoSuchKey"), (404, "HTTP404"): return .noSuchKey(key ?? "")
        default:
            return .refused(
                operation: operation, status: answer.status, code: code, message: message)
        }
    }

    static func unquoted(_ etag: String) -> String {
        etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

/// How often and how patiently transient failures are retried.
public struct S3RetryPolicy: Sendable {
    public var attempts: Int
    public var firstDelay: Duration

    public init(attempts: Int, firstDelay: Duration) {
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
    }

    /// 5 attempts, waiting 0.5, 1, 2, 4 s between them.
    public static let standard = S3RetryPolicy(attempts: 5, firstDelay: .milliseconds(500))

    func delay(beforeAttempt attempt: Int) -> Duration {
        firstDelay * (1 << min(max(attempt - 2, 0), 10))
    }
}

import Crypto
import Foundation
import Support

extension S3Client {
    /// The part size of multipart uploads. S3 wants 5 MiB at least (but for the last part), 10,000 parts at
    /// most: 16 MiB parts carry archives up to 156 GiB.
    public static let defaultPartSize = 16 * 1024 * 1024

    /// Uploads `source` (read in order, part by part) as `key`, then checks that the stored object has the
    /// size and ETag of what was sent. A source that fits in one part goes up in one `PUT`; a larger one in a
    /// multipart upload, aborted if anything fails so that no half-written object or orphaned parts remain.
    @discardableResult
    public func upload(
        key: String, partSize: Int = S3Client.defaultPartSize,
        from source: some S3UploadSource
    ) async throws -> ObjectInfo {
        var source = source
        let first = try await source.next(upTo: partSize)
        let second = first.count < partSize ? Data() : try await source.next(upTo: partSize)
        if second.isEmpty {
            let etag = try await putObject(first, key: key)
            return try await confirm(key: key, size: Int64(first.count), etag: etag)
        }
        let uploadID = try await createMultipartUpload(key: key)
        do {
            var parts: [(number: Int, etag: String)] = []
            var digests = Data()
            var size: Int64 = 0
            var chunk = first
            var next: Data? = second
            while !chunk.isEmpty {
                let number = parts.count + 1
                guard number <= 10_000 else {
                    throw ObjectStoreError.integrity(
                        key: key, reason: "more than 10,000 parts of \(partSize) bytes")
                }
                let md5 = Data(Insecure.MD5.hash(data: chunk))
                let etag = try await uploadPart(chunk, key: key, uploadID: uploadID, number: number)
                guard etag == SigV4Signer.hex(md5) else {
                    throw ObjectStoreError.integrity(
                        key: key, reason: "part \(number) was stored with ETag \(etag), not its MD5"
                    )
                }
                parts.append((number, etag))
                digests += md5
                size += Int64(chunk.count)
                if let pending = next {
                    chunk = pending
                    next = nil
                } else {
                    chunk = try await source.next(upTo: partSize)
                }
            }
            try await completeMultipartUpload(key: key, uploadID: uploadID, parts: parts)
            // S3's ETag of a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts.
            let expected =
                SigV4Signer.hex(Data(Insecure.MD5.hash(data: digests))) + "-\(parts.count)"
            return try await confirm(key: key, size: size, etag: expected)
        } catch {
            try? await abortMultipartUpload(key: key, uploadID: uploadID)
            throw error
        }
    }

    /// `HEAD`s `key` and checks it is what was uploaded.
    private func confirm(key: String, size: Int64, etag: String) async throws(ObjectStoreError)
        -> ObjectInfo
    {
        guard let stored = try await headObject(key: key) else {
            throw .integrity(key: key, reason: "not found right after the upload")
        }
        guard stored.size == size else {
            throw .integrity(
                key: key, reason: "stored with \(stored.size) bytes, \(size) were sent")
        }
        guard stored.etag == etag else {
            throw .integrity(key: key, reason: "stored with ETag \(stored.etag), expected \(etag)")
        }
        return stored
    }

    func createMultipartUpload(key: String) async throws(ObjectStoreError) -> String {
        let answer = try await call(
            "start a multipart upload of \(key)", method: .POST, key: key, query: [("uploads", "")],
            headers: [("content-type", "application/octet-stream")])
        guard let root = S3XMLElement.parse(answer.body), let id = root.value("UploadId"),
            !id.isEmpty
        else {
            throw .malformedResponse(
                operation: "CreateMultipartUpload \(key)", reason: "no UploadId")
        }
        return id
    }

    func uploadPart(_ data: Data, key: String, uploadID: String, number: Int)
        async throws(ObjectStoreError) -> String
    {
        let md5 = Data(Insecure.MD5.hash(data: data))
        let answer = try await call(
            "store part \(number) of \(key)", method: .PUT, key: key,
            query: [("partNumber", "\(number)"), ("uploadId", uploadID)],
            headers: [("content-md5", md5.base64EncodedString())], body: data,
            timeout: .seconds(300))
        return Self.unquoted(answer.headers.first(name: "etag") ?? "")
    }

    func completeMultipartUpload(
        key: String, uploadID: String, parts: [(number: Int, etag: String)]
    )
        async throws(ObjectStoreError)
    {
        let body =
            "<CompleteMultipartUpload>"
            + parts.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\"\($0.etag)\"</ETag></Part>"
            }
            .joined() + "</CompleteMultipartUpload>"
        let answer = try await call(
            "complete the multipart upload of \(key)", method: .POST, key: key,
            query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")],
            body: Data(body.utf8), timeout: .seconds(300))
        // S3 may answer 200 and still fail: the error is then the body.
        if let root = S3XMLElement.parse(answer.body), root.name == "Error" {
            throw .refused(
                operation: "complete the multipart upload of \(key)", status: answer.status,
                code: root.value("Code") ?? "", message: root.value("Message") ?? "")
        }
    }

    func abortMultipartUpload(key: String, uploadID: String) async throws(ObjectStoreError) {
        _ = try await call(
            "abort the multipart upload of \(key)", method: .DELETE, key: key,
            query: [("uploadId", uploadID)], acceptable: [200, 204, 404])
    }
}

/// Bytes to upload, handed out in order.
public protocol S3UploadSource: Sendable {
    /// The next bytes, at most `count` and exactly `count` unless the source is exhausted; empty at the end.
    mutating func next(upTo count: Int) async throws -> Data
}

/// A file read from its start.
public struct S3FileSource: S3UploadSource {
    let handle: FileHandle

    public init(path: String) throws(ObjectStoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .badConfiguration("cannot open \(path) to upload it")
        }
        self.handle = handle
    }

    public mutating func next(upTo count: Int) async throws -> Data {
        let handle = self.handle
        return try await runBlocking {
            var data = Data()
            while data.count < count {
                guard let chunk = try handle.read(upToCount: count - data.count), !chunk.isEmpty
                else { break }
                data += chunk
            }
            return data
        }
    }
}

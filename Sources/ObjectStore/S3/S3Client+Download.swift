import AsyncHTTPClient
import Foundation
import NIOCore
import Support

extension S3Client {
    /// Streams `key` into a new file at `path` (which must not exist), refusing an object larger than
    /// `maximumSize`; returns the bytes written. On any failure the file is removed.
    @discardableResult
    public func download(key: String, to path: String, maximumSize: Int64)
        async throws(ObjectStoreError) -> Int64
    {
        try await retrying(
            { () throws(ObjectStoreError) in
                try await downloadOnce(key: key, to: path, maximumSize: maximumSize)
            }, afterFailure: { unlink(path) })
    }

    private func downloadOnce(key: String, to path: String, maximumSize: Int64)
        async throws(ObjectStoreError) -> Int64
    {
        do {
            return try await stream(key: key, to: path, maximumSize: maximumSize)
        } catch let error as ObjectStoreError {
            throw error
        } catch {
            throw .unreachable(endpoint: endpoint.base, reason: "\(error)")
        }
    }

    private func stream(key: String, to path: String, maximumSize: Int64) async throws -> Int64 {
        let request = signedRequest(method: .GET, key: key)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(3600))
        } catch {
            throw ObjectStoreError.unreachable(endpoint: endpoint.base, reason: "\(error)")
        }
        guard response.status.code == 200 else {
            let collected = try await response.body.collect(upTo: Self.maximumAnswerSize)
            let body = Data(collected.readableBytesView)
            throw Self.error(
                for: Answer(
                    status: Int(response.status.code), headers: response.headers, body: body),
                operation: "read \(key)", key: key)
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int64.init),
            length > maximumSize
        {
            throw ObjectStoreError.integrity(
                key: key, reason: "\(length) bytes, more than the \(maximumSize) allowed")
        }
        guard
            FileManager.default.createFile(
                atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = FileHandle(forWritingAtPath: path)
        else {
            throw ObjectStoreError.badConfiguration("cannot create \(path) to download \(key) into")
        }
        defer { try? file.close() }
        var written: Int64 = 0
        do {
            for try await buffer in response.body {
                written += Int64(buffer.readableBytes)
                guard written <= maximumSize else {
                    throw ObjectStoreError.integrity(
                        key: key, reason: "more than the \(maximumSize) bytes allowed")
                }
                let data = Data(buffer.readableBytesView)
                try await runBlocking { try file.write(contentsOf: data) }
            }
        } catch let error as ObjectStoreError {
            throw error
        } catch {
            throw ObjectStoreError.unreachable(endpoint: endpoint.base, reason: "\(error)")
        }
        return written
    }
}

import AsyncHTTPClient
import BackupArchive
import Crypto
import Foundation
import Logging
import Support
import TaskContract

#if canImport(Glibc)
    import Support
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The archive to restore from, on the local disk.
struct FetchedArchive: Sendable, Equatable {
    /// Where the archive is now.
    var path: String
    /// True when it was downloaded into the sandbox (and can be removed after the restore); false for a local
    /// path given by the scheduler, which is used where it is and never removed.
    var isDownloaded: Bool
    var size: UInt64
    /// Hex SHA-256, or nil when nobody asked for it (a local file without an expected hash).
    var sha256: String?
}

/// Gets the backup archive a task names into the sandbox: an http(s) URL is streamed to
/// `<destination>.partial` (bounded memory, hashed on the way, cut off as soon as it goes beyond the archive size
/// the sidecar records) and renamed to `destination` only once its size and SHA-256 match the expected ones; a
/// local path (or `file://` URL) is used where it is, after checking its size and hashing it.
///
/// A download presents the task's secret as `Authorization: Bearer <secret>`, unless the URL carries its own
/// signature (`signature=` in its query, the scheduler's signed download URLs, or `X-Amz-Signature=`, a
/// presigned URL of the object store), which then is the credential. An encrypted archive (from the store) is
/// downloaded to `<destination>.partial.enc`, checked against its encrypted size, and decrypted with the
/// archive's own key into `<destination>.partial`, whose size and SHA-256 are then checked as above.
/// Messages and logs show URLs without their query.
struct RestoreArchiveFetcher: Sendable {
    /// The whole fetch's deadline, from the connect to the last byte.
    var timeout: Duration
    /// The longest the connection may stay silent; also bounds the connect.
    var idleTimeout: Duration = .seconds(60)
    /// The task's secret, presented on downloads from URLs without a signature of their own.
    var secret: String?
    var logger: Logger

    /// Fetches `source` to `destination` (a path in the sandbox); relative local paths are taken from `sandbox`.
    func fetch(
        _ source: EtcdTaskData.RestoreSource, to destination: String, sandbox: String
    ) async throws(MemberRestoreError) -> FetchedArchive {
        let url = source.shownURL
        let expected = source.archiveSHA256.trimmingCharacters(in: .whitespaces).lowercased()
        let limit = source.archiveSize
        var fetched: FetchedArchive
        if let path = Self.localPath(source.url, sandbox: sandbox) {
            fetched = try await hashLocal(path, url: url, hashing: !expected.isEmpty, limit: limit)
        } else if !source.url.lowercased().hasPrefix("http://")
            && !source.url.lowercased().hasPrefix("https://")
        {
            throw .unsupportedURL(url: url)
        } else if let encryption = source.encryption {
            fetched = try await downloadEncrypted(
                source.url, shown: url, encryption, to: destination + ".partial")
        } else {
            fetched = try await download(
                source.url, shown: url, to: destination + ".partial", limit: limit,
                hashing: !expected.isEmpty)
        }
        if let limit, fetched.size != limit {
            if fetched.isDownloaded { unlink(fetched.path) }
            throw .archiveSizeMismatch(url: url, expected: limit, actual: fetched.size)
        }
        if !expected.isEmpty, let actual = fetched.sha256, actual != expected {
            if fetched.isDownloaded { unlink(fetched.path) }
            throw .archiveHashMismatch(url: url, expected: expected, actual: actual)
        }
        if fetched.isDownloaded {
            guard rename(fetched.path, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(fetched.path)
                throw .fileSystem(
                    operation: "rename \(fetched.path) to", path: destination, reason: reason)
            }
            fetched.path = destination
        }
        return fetched
    }

    /// The path a `file://` URL or a plain path names; nil for anything with another scheme.
    static func localPath(_ url: String, sandbox: String) -> String? {
        if url.lowercased().hasPrefix("file://") {
            return URL(string: url)?.path ?? String(url.dropFirst(7))
        }
        if url.contains("://") { return nil }
        if url.hasPrefix("/") { return url }
        let relative = url.hasPrefix("./") ? String(url.dropFirst(2)) : url
        return (sandbox.hasSuffix("/") ? sandbox : sandbox + "/") + relative
    }

    // MARK: Local files

    private func hashLocal(_ path: String, url: String, hashing: Bool, limit: UInt64?)
        async throws(MemberRestoreError)
        -> FetchedArchive
    {
        let result = await runBlocking { () -> Result<FetchedArchive, MemberRestoreError> in
            var info = stat()
            guard stat(path, &info) == 0 else {
                return .failure(.fetchFailed(url: url, reason: String(cString: strerror(errno))))
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                return .failure(.fetchFailed(url: url, reason: "\(path) is not a regular file"))
            }
            if let limit, UInt64(info.st_size) > limit {
                return .failure(
                    .archiveTooLarge(
                        url: url, limit: limit, found: "the file has \(info.st_size) bytes"))
            }
            guard hashing else {
                return .success(
                    FetchedArchive(
                        path: path, isDownloaded: false, size: UInt64(info.st_size), sha256: nil))
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let reason = String(cString: strerror(errno))
                return .failure(.fetchFailed(url: url, reason: "cannot open \(path): \(reason)"))
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            var size: UInt64 = 0
            do {
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    hasher.update(data: chunk)
                    size += UInt64(chunk.count)
                }
            } catch {
                return .failure(.fetchFailed(url: url, reason: "cannot read \(path): \(error)"))
            }
            return .success(
                FetchedArchive(
                    path: path, isDownloaded: false, size: size, sha256: Self.hex(hasher)))
        }
        return try result.get()
    }

    // MARK: HTTP

    /// Downloads the encrypted archive at `url` to `<partial>.enc` (no more than its encrypted size) and
    /// decrypts it into `partial` with the archive's key; only the plaintext is left, hashed.
    private func downloadEncrypted(
        _ url: String, shown: String, _ encryption: EtcdTaskData.RestoreSource.Encryption,
        to partial: String
    ) async throws(MemberRestoreError) -> FetchedArchive {
        guard let key = ArchiveKey(base64: encryption.archiveKey) else {
            throw .decryptionFailed(
                url: shown, reason: "the task's archive key is not 32 bytes in base64")
        }
        let encrypted = partial + ".enc"
        // The hash that counts is the plaintext's, which the decryption computes.
        let downloaded = try await download(
            url, shown: shown, to: encrypted, limit: encryption.encryptedSize, hashing: false)
        defer { unlink(encrypted) }
        let expected = ArchiveEncryption(
            algorithm: encryption.algorithm, keyID: "", chunkSize: encryption.chunkSize,
            encryptedSize: encryption.encryptedSize)
        let started = ContinuousClock.now
        let result = await runBlocking { () -> Result<FetchedArchive, MemberRestoreError> in
            do {
                let plain = try ArchiveDecryption.decrypt(
                    downloaded.path, to: partial, key: .archiveKey(key), expected: expected)
                return .success(
                    FetchedArchive(
                        path: partial, isDownloaded: true, size: plain.size, sha256: plain.sha256))
            } catch {
                return .failure(.decryptionFailed(url: shown, reason: "\(error)"))
            }
        }
        let fetched = try result.get()
        logger.info(
            "decrypted the backup archive",
            metadata: [
                "url": "\(shown)", "bytes": "\(fetched.size)",
                "seconds": "\(ContinuousClock.now - started)",
            ])
        return fetched
    }

    /// Downloads `url` to `partial`, no more than `limit` bytes, hashing it when `hashing`; removes it on
    /// failure. `shown` is the URL as messages and logs name it.
    private func download(
        _ url: String, shown: String, to partial: String, limit: UInt64?, hashing: Bool
    ) async throws(MemberRestoreError) -> FetchedArchive {
        unlink(partial)
        let idle = min(idleTimeout, timeout).wholeNanoseconds
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .nanoseconds(idle), read: .nanoseconds(idle)))
        // One request to the scheduler that asked for the restore: a refused connection means it is not there,
        // and failing at once says so; the scheduler launches the restore again when it is back.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<FetchedArchive, MemberRestoreError>
        do {
            let started = ContinuousClock.now
            guard
                let fetched = try await withDeadline(
                    timeout,
                    {
                        try await stream(
                            url, shown: shown, to: partial, limit: limit, hashing: hashing,
                            with: client)
                    }
                )
            else {
                throw MemberRestoreError.fetchTimedOut(url: shown, after: timeout)
            }
            logger.info(
                "fetched the backup archive",
                metadata: [
                    "url": "\(shown)", "bytes": "\(fetched.size)",
                    "seconds": "\(ContinuousClock.now - started)",
                ])
            outcome = .success(fetched)
        } catch let error as MemberRestoreError {
            outcome = .failure(error)
        } catch is CancellationError {
            outcome = .failure(.stopped)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            outcome = .failure(.fetchTimedOut(url: shown, after: timeout))
        } catch {
            outcome = .failure(.fetchFailed(url: shown, reason: Self.describe(error)))
        }
        try? await client.shutdown()
        if case .failure = outcome { unlink(partial) }
        return try outcome.get()
    }

    /// Streams the body of `url` into `partial`, hashing it when `hashing`; memory stays at a few chunks (the
    /// body is read with back-pressure), and the body is cut off as soon as it goes beyond `limit`.
    private func stream(
        _ url: String, shown: String, to partial: String, limit: UInt64?, hashing: Bool,
        with client: HTTPClient
    ) async throws -> FetchedArchive {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        if let secret, !Self.isSigned(url) {
            request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        }
        let response = try await client.execute(
            request, timeout: .nanoseconds(timeout.wholeNanoseconds))
        guard response.status.code == 200 else {
            var body = ""
            for try await chunk in response.body {
                body += String(buffer: chunk)
                if body.utf8.count > 2048 { break }
            }
            throw MemberRestoreError.httpStatus(
                url: shown, status: Int(response.status.code), body: String(body.prefix(2048)))
        }
        if let limit,
            let announced = response.headers.first(name: "Content-Length").flatMap(UInt64.init),
            announced > limit
        {
            throw MemberRestoreError.archiveTooLarge(
                url: shown, limit: limit, found: "the server announced Content-Length \(announced)")
        }
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw MemberRestoreError.fileSystem(
                operation: "create", path: partial, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var hasher = hashing ? SHA256() : nil
        var size: UInt64 = 0
        for try await chunk in response.body {
            if let limit, size + UInt64(chunk.readableBytes) > limit {
                throw MemberRestoreError.archiveTooLarge(
                    url: shown, limit: limit, found: "the server sent more")
            }
            try chunk.withUnsafeReadableBytes { bytes throws(MemberRestoreError) in
                hasher?.update(bufferPointer: bytes)
                try Self.writeAll(fd, bytes, path: partial)
            }
            size += UInt64(chunk.readableBytes)
        }
        try Task.checkCancellation()
        return FetchedArchive(
            path: partial, isDownloaded: true, size: size, sha256: hasher.map(Self.hex))
    }

    private static func writeAll(
        _ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String
    ) throws(MemberRestoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(
                    operation: "write", path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// True when `url` carries its own signature: the scheduler's signed download URL, or a presigned URL of
    /// the object store (which refuses a request with a second credential).
    static func isSigned(_ url: String) -> Bool {
        URLComponents(string: url)?.queryItems?.contains {
            $0.name == "signature" || $0.name == "X-Amz-Signature"
        } ?? false
    }

    private static func hex(_ hasher: SHA256) -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// AsyncHTTPClient's and NIO's errors, in words.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "the connection timed out"
            case .readTimeout: return "the server went silent (read timeout)"
            case .remoteConnectionClosed:
                return "the server closed the connection before the end of the archive"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("Connection refused") {
            return "the connection was refused (nothing listens there)"
        }
        return text
    }
}

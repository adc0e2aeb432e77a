import Foundation
import Hummingbird

/// The backup endpoints of the admin API, added to the scheduler's router:
///
/// - `POST /backups`: take a backup now → 201 with its manifest (`Location: /backups/<id>`); 409 with the running
///   backup's ID while another runs (see `BackupService`); 503 when no member can be snapshotted; 502 when the
///   member's stream fails. It is a manual backup, which retention counts apart from the periodic ones.
/// - `GET /backups`: every backup's manifest, newest first (read from the sidecars, nothing is decompressed).
/// - `GET /backups/{id}`: the `.tar.zst` archive, streamed from its file.
/// - `GET /backups/{id}/manifest`: its manifest.
///
/// Errors are JSON `{"error": "…"}`: an ID that could address another file (`..`, `/`) → 400, an unknown
/// ID → 404.
///
/// These routes check no credential: backups hold every key of the cluster, so the router they are added to
/// must guard them (the scheduler's admin router puts its access middleware in front of every route).
public struct BackupRoutes: Sendable {
    public var service: BackupService

    public init(service: BackupService) {
        self.service = service
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.post("/backups") { _, _ in await takeBackup() }
        router.get("/backups") { _, _ in await list() }
        router.get("/backups/{id}") { _, context in
            try await download(context.parameters.get("id") ?? "", context)
        }
        router.get("/backups/{id}/manifest") { _, context in
            await manifest(context.parameters.get("id") ?? "")
        }
        router.post("/backups/{id}/drill") { _, context in
            await drill(context.parameters.get("id") ?? "")
        }
        // Anything deeper (`/backups/../../etc/passwd` once split into segments) is a path trick or a typo.
        // (A `/backups/**` route would clash with `/backups/{id}` in Hummingbird's router.)
        router.get("/backups/{id}/{part}") { request, _ in Self.deeperPath(request.uri.path) }
        router.get("/backups/{id}/{part}/**") { request, _ in Self.deeperPath(request.uri.path) }
    }

    private static func deeperPath(_ path: String) -> Response {
        if path.contains("..") || path.lowercased().contains("%2")
            || path.lowercased().contains("%5c")
        {
            return error(
                "\"\(path)\" is not a backup path: backup IDs hold no path segments", .badRequest)
        }
        return error("no such backup resource: \(path)", .notFound)
    }

    private func takeBackup() async -> Response {
        do {
            let manifest = try await service.takeBackup(trigger: .manual)
            var response = Self.json(try manifest.encoded(), status: .created)
            response.headers[.location] = "/backups/\(manifest.id)"
            return response
        } catch let error as BackupServiceError {
            guard case .alreadyRunning(let running) = error else {
                return Self.error("\(error)", .conflict)
            }
            return Self.encodable(
                RefusalBody(error: "\(error)", running: running), status: .conflict)
        } catch let error as BackupError {
            switch error {
            case .noSourceAvailable: return Self.error("\(error)", .serviceUnavailable)
            case .streamFailed, .snapshotHashMismatch, .snapshotSizeMismatch, .snapshotTooShort:
                return Self.error("\(error)", .badGateway)
            case .compressionFailed, .archiveWriteFailed, .fileSystem:
                return Self.error("\(error)", .internalServerError)
            }
        } catch is CancellationError {
            return Self.error(
                "the backup was cancelled (the scheduler is stopping)", .serviceUnavailable)
        } catch {
            return Self.error("\(error)", .internalServerError)
        }
    }

    /// `POST /backups/{id}/drill`: the sidecar with the drill's outcome; 200 when it passed, 422 when the
    /// backup does not restore, 409 while a backup or another drill runs.
    private func drill(_ id: String) async -> Response {
        do {
            let manifest = try await service.drill(id)
            let passed = manifest.drill?.passed == true
            return Self.json(try manifest.encoded(), status: passed ? .ok : .unprocessableContent)
        } catch let error as BackupServiceError {
            if case .drillsUnavailable = error { return Self.error("\(error)", .notImplemented) }
            return Self.error("\(error)", .conflict)
        } catch let error as BackupStoreError {
            return Self.error(error)
        } catch is CancellationError {
            return Self.error(
                "the drill was cancelled (the scheduler is stopping)", .serviceUnavailable)
        } catch {
            return Self.error("\(error)", .badGateway)
        }
    }

    private func list() async -> Response {
        do {
            let manifests = try await service.listing()
            return Self.json(try BackupManifest.encodeList(manifests), status: .ok)
        } catch {
            return Self.error("\(error)", .internalServerError)
        }
    }

    private func manifest(_ id: String) async -> Response {
        do {
            if let stored = try await service.listing().first(where: { $0.id == id }) {
                return Self.json(try stored.encoded(), status: .ok)
            }
            return Self.json(try service.store.entry(id: id).manifest.encoded(), status: .ok)
        } catch let error as BackupStoreError {
            return Self.error(error)
        } catch {
            return Self.error("\(error)", .internalServerError)
        }
    }

    private func download(_ id: String, _ context: some RequestContext) async throws -> Response {
        let entry: BackupStore.Entry
        do { entry = try await service.localEntry(id: id) } catch let error as BackupStoreError {
            return Self.error(error)
        } catch {
            return Self.error(
                "backup \(id) cannot be fetched from the store: \(error)", .badGateway)
        }
        let body = try await FileIO().loadFile(path: entry.archivePath, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zstd",
                .contentLength: String(body.contentLength ?? 0),
                .contentDisposition: "attachment; filename=\"\(entry.manifest.archiveFileName)\"",
            ],
            body: body)
    }

    // MARK: JSON

    private struct RefusalBody: Encodable {
        var error: String
        var running: RunningBackup
    }

    private static func error(_ error: BackupStoreError) -> Response {
        switch error {
        case .invalidID: return Self.error("\(error)", .badRequest)
        case .notFound: return Self.error("\(error)", .notFound)
        case .unreadableManifest, .fileSystem: return Self.error("\(error)", .internalServerError)
        }
    }

    private static func error(_ message: String, _ status: HTTPResponse.Status) -> Response {
        encodable(["error": message], status: status)
    }

    private static func encodable(_ value: some Encodable, status: HTTPResponse.Status) -> Response
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data =
            (try? encoder.encode(value))
            ?? Data(#"{"error":"the response could not be encoded"}"#.utf8)
        return json(data, status: status)
    }

    private static func json(_ data: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension BackupManifest {
    /// A JSON array of manifests, in the given order, encoded like `encoded()`.
    static func encodeList(_ manifests: [BackupManifest]) throws -> Data {
        var data = Data("[".utf8)
        for (index, manifest) in manifests.enumerated() {
            if index > 0 { data.append(Data(",".utf8)) }
            data.append(try manifest.encoded())
        }
        data.append(Data("]".utf8))
        return data
    }
}

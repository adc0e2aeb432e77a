import ArgumentParser
import Backup
import Foundation
import ObjectStore

/// `--store-*`: how to reach the object store an `s3://bucket/prefix[/id]` argument names.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The object store's endpoint for s3:// arguments, http(s)://host[:port] (path-style).",
            valueName: "url"))
    var storeEndpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The region requests are signed for (default us-east-1).", valueName: "region"))
    var storeRegion: String = "us-east-1"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "AWS credentials file ([default] aws_access_key_id, aws_secret_access_key), mode 0600; "
                + "default: $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY.", valueName: "file"))
    var storeCredentialsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The backup encryption key (the scheduler's -backup-encryption-key-file) for encrypted archives "
                + "in the store.", valueName: "file"))
    var encryptionKeyFile: String?

    static func isStoreURL(_ text: String) -> Bool { text.hasPrefix("s3://") }

    /// For a command's `validate()`: an s3:// argument needs an endpoint and credentials (exit 2 without).
    func check(_ argument: String) throws {
        guard Self.isStoreURL(argument) else { return }
        guard let storeEndpoint else {
            throw ValidationError("\(argument) needs --store-endpoint http(s)://host[:port]")
        }
        do {
            _ = try S3Endpoint(parsing: storeEndpoint)
            _ = try credentials()
            _ = try encryptionKeyFile.map { try BackupEncryptionKey.load(file: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private func credentials() throws(ObjectStoreError) -> S3Credentials {
        if let storeCredentialsFile { return try S3Credentials.load(file: storeCredentialsFile) }
        guard let credentials = S3Credentials.fromEnvironment() else {
            throw .badConfiguration(
                "an s3:// argument needs credentials: --store-credentials-file, or "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        return credentials
    }

    /// A client for `location`; usage errors (no endpoint, no credentials) are refused before any request.
    func remote(_ location: S3Location, cache: String) throws(RestoreFailure) -> RemoteBackups {
        do throws(ObjectStoreError) {
            let endpoint = try S3Endpoint(parsing: storeEndpoint ?? "")
            let key: BackupEncryptionKey?
            do { key = try encryptionKeyFile.map { try BackupEncryptionKey.load(file: $0) } } catch
            {
                throw ObjectStoreError.badConfiguration("\(error)")
            }
            return RemoteBackups(
                location: location, endpoint: endpoint, region: storeRegion,
                credentials: try credentials(), cache: BackupStore(directory: cache),
                encryptionKey: key)
        } catch {
            throw .objectStore(location: location.description, reason: "\(error)")
        }
    }
}

/// A backup named by `s3://bucket/prefix/<id>` (or `…/<id>.tar.zst`), fetched into a scratch directory and
/// verified against its sidecar on the way; then it is a `LocalArchive` like any other.
enum StoreArchive {
    /// The location and backup ID of `text`.
    static func parse(_ text: String) throws(RestoreFailure) -> (S3Location, String) {
        guard let slash = text.lastIndex(of: "/"),
            text.distance(from: text.startIndex, to: slash) > 5
        else {
            throw .notABackup(
                argument: text, reason: "expected s3://bucket/prefix/<backup id>")
        }
        var id = String(text[text.index(after: slash)...])
        if id.hasSuffix(BackupID.archiveSuffix) { id.removeLast(BackupID.archiveSuffix.count) }
        do {
            let location = try S3Location(parsing: String(text[..<slash]))
            return (location, try BackupID.validate(id))
        } catch {
            throw .notABackup(argument: text, reason: "\(error)")
        }
    }

    /// Fetches the backup `text` names into `scratch` and returns it as a local archive.
    static func fetch(_ text: String, options: StoreOptions, into scratch: ScratchDirectory)
        async throws(RestoreFailure) -> LocalArchive
    {
        let (location, id) = try parse(text)
        let remote = try options.remote(location, cache: scratch.path)
        do {
            let entry = try await remote.fetch(id)
            return try LocalArchive(path: entry.archivePath)
        } catch let failure as RestoreFailure {
            throw failure
        } catch let error as BackupStoreError {
            throw .store(error)
        } catch let error as BackupArchiveError {
            throw .archive(error)
        } catch let error as BackupEncryptionError {
            throw .encryption(error)
        } catch let error as ObjectStoreError {
            throw .objectStore(location: location.description, reason: "\(error)")
        } catch {
            throw .objectStore(location: location.description, reason: "\(error)")
        }
    }

    /// Runs `body` with the archive `argument` names: a local file, or a backup in the store fetched into a
    /// scratch directory (removed afterwards).
    static func with<T>(
        _ argument: String, options: StoreOptions,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LocalArchive) async throws(RestoreFailure) -> T
    ) async throws(RestoreFailure) -> T {
        guard StoreOptions.isStoreURL(argument) else {
            return try await body(try LocalArchive(path: argument))
        }
        return try await ScratchDirectory.with { scratch throws(RestoreFailure) in
            try await body(try await fetch(argument, options: options, into: scratch))
        }
    }

    /// The backups stored under `text` (`s3://bucket/prefix`), newest first; objects that are not backups are
    /// reported as warnings.
    static func list(_ text: String, options: StoreOptions, console: Console)
        async throws(RestoreFailure) -> [BackupManifest]
    {
        let location: S3Location
        do { location = try S3Location(parsing: text) } catch {
            throw .notABackup(argument: text, reason: "\(error)")
        }
        return try await ScratchDirectory.with { scratch throws(RestoreFailure) in
            let remote = try options.remote(location, cache: scratch.path)
            do {
                let manifests = try await remote.refresh()
                for key in await remote.currentStatistics().foreignObjects {
                    console.warning("skipped \(key): not a complete backup")
                }
                return manifests
            } catch {
                throw .objectStore(location: location.description, reason: "\(error)")
            }
        }
    }
}

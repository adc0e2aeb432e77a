import ArgumentParser
import Backup
import Foundation
import Support

/// `list <backup dir | http(s)://scheduler>`: the backups a directory or a scheduler holds, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List backups, newest first: a table, or their manifests with --json.",
        discussion:
            "Only the sidecar manifests are read; nothing is decompressed. A scheduler lists its backups only "
            + "to its admin token (--token-file or $\(TokenOptions.environmentVariable)).\n\n"
            + RestoreExitCode.helpText
    )

    @Argument(
        help: ArgumentHelp(
            "A backup directory, the scheduler's URL (http://host:port), or an object store's "
                + "s3://bucket/prefix.", valueName: "source"))
    var source: String

    @OptionGroup var credentials: TokenOptions
    @OptionGroup var store: StoreOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try credentials.token()
        try store.check(source)
    }

    func run() async throws {
        let source = source
        let token = try credentials.token()
        let storeOptions = store
        try await CommandRunner.run(json: output.json) { console throws(RestoreFailure) in
            let manifests: [BackupManifest]
            if StoreOptions.isStoreURL(source) {
                manifests = try await StoreArchive.list(
                    source, options: storeOptions, console: console)
            } else if source.hasPrefix("http://") || source.hasPrefix("https://") {
                guard let url = SchedulerAPI.normalize(source) else {
                    throw .schedulerUnreachable(url: source, reason: "it is not a URL")
                }
                manifests = try await Self.fromScheduler(url, token: token)
            } else {
                manifests = try await Self.fromDirectory(source, console: console)
            }
            console.document(manifests)
            if manifests.isEmpty {
                console.result("no backups in \(source)")
            } else {
                console.result(BackupTable.render(manifests))
            }
        }
    }

    static func fromScheduler(_ url: String, token: String?) async throws(RestoreFailure)
        -> [BackupManifest]
    {
        do {
            return try await SchedulerAPI.with(baseURL: url, token: token) { api in
                try await api.backups()
            }
        } catch let failure as RestoreFailure {
            throw failure
        } catch {
            throw .unexpected(reason: "\(error)")
        }
    }

    static func fromDirectory(_ directory: String, console: Console) async throws(RestoreFailure)
        -> [BackupManifest]
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            let looksLikeAddress = directory.contains(":") && !directory.contains("/")
            throw .notAFile(
                path: directory,
                reason: "no such directory"
                    + (looksLikeAddress
                        ? " (for a scheduler, give its URL: http://\(directory))" : ""))
        }
        guard isDirectory.boolValue else {
            throw .notAFile(
                path: directory, reason: "not a directory (to check one archive, use `verify`)")
        }
        let (manifests, unreadable) = try await runBlocking { () throws(RestoreFailure) in
            let store = BackupStore(directory: directory)
            do throws(BackupStoreError) {
                return (try store.list(), try store.unreadableManifests())
            } catch {
                throw .store(error)
            }
        }
        for problem in unreadable { console.warning("skipped: \(problem)") }
        return manifests
    }
}

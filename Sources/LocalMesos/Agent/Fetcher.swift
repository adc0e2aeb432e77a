import AsyncHTTPClient
import Foundation
import MesosAPI
import NIOCore
import ProcessControl
import Support

/// Brings an executor's `CommandInfo.uris` into its sandbox before it starts, as the Mesos fetcher does:
/// http(s) and file URIs (or plain absolute paths), `output_file`, `executable` (mode 0755) and `extract`
/// (default true) for tar, tar.gz/tgz, tar.bz2, tar.xz and zip archives.
enum Fetcher {
    static let archiveSuffixes = [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip",
    ]

    static func fetch(_ uris: [CommandInfo.URI], into sandbox: String) async throws(FetchError) {
        for uri in uris {
            try await fetch(uri, into: sandbox)
        }
    }

    private static func fetch(_ uri: CommandInfo.URI, into sandbox: String) async throws(FetchError)
    {
        let source = uri.value
        let name = uri.outputFile ?? (source.split(separator: "/").last.map(String.init) ?? "")
        guard !name.isEmpty, !name.contains("..") else {
            throw FetchError(uri: source, reason: "cannot tell what to call the fetched file")
        }
        let destination = sandbox + "/" + name
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            try await download(source, to: destination)
        } else {
            let path =
                source.hasPrefix("file://") ? String(source.dropFirst("file://".count)) : source
            guard path.hasPrefix("/") else {
                throw FetchError(
                    uri: source,
                    reason: "unsupported URI scheme (the local fetcher takes http, https and file)")
            }
            do {
                // A binary of tens of MB: copied on a Dispatch thread, never on the cooperative pool (a
                // loaded disk can stall a write for seconds, and every in-process server waits behind it).
                try await runBlocking { () throws in
                    try? FileManager.default.removeItem(atPath: destination)
                    try FileManager.default.copyItem(atPath: path, toPath: destination)
                }
            } catch {
                throw FetchError(
                    uri: source, reason: "cannot copy \(path): \(error.localizedDescription)")
            }
        }
        if uri.executable == true {
            guard chmod(destination, 0o755) == 0 else {
                throw FetchError(uri: source, reason: "cannot make \(destination) executable")
            }
        } else if uri.extract ?? true,
            let suffix = archiveSuffixes.first(where: { name.hasSuffix($0) })
        {
            try await extract(destination, isZip: suffix == ".zip", into: sandbox, uri: source)
        }
    }

    private static func download(_ url: String, to destination: String) async throws(FetchError) {
        do {
            // The deadline covers connecting and the response head (AsyncHTTPClient retries refused connections
            // until then); the body may take as long as it needs.
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: url), timeout: .seconds(30))
            guard response.status.code == 200 else {
                throw FetchError(uri: url, reason: "HTTP \(response.status.code)")
            }
            guard FileManager.default.createFile(atPath: destination, contents: nil),
                let handle = FileHandle(forWritingAtPath: destination)
            else {
                throw FetchError(uri: url, reason: "cannot create \(destination)")
            }
            defer { try? handle.close() }
            // Written a megabyte at a time on a Dispatch thread: disk writes can stall under load, and the
            // cooperative pool (two threads here) carries every in-process server.
            var pending = Data()
            for try await chunk in response.body {
                pending.append(contentsOf: chunk.readableBytesView)
                if pending.count >= 1 << 20 {
                    let full = pending
                    pending = Data()
                    try await runBlocking { () throws in try handle.write(contentsOf: full) }
                }
            }
            let rest = pending
            try await runBlocking { () throws in try handle.write(contentsOf: rest) }
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(uri: url, reason: "\(error)")
        }
    }

    private static func extract(_ archive: String, isZip: Bool, into directory: String, uri: String)
        async throws(FetchError)
    {
        let command: (String, [String])
        if isZip {
            guard let python = ChildProcess.findExecutable("python3") else {
                throw FetchError(uri: uri, reason: "cannot extract a zip archive without python3")
            }
            command = (python, ["-m", "zipfile", "-e", archive, directory])
        } else {
            guard let tar = ChildProcess.findExecutable("tar") else {
                throw FetchError(
                    uri: uri, reason: "cannot extract \(archive): tar is not installed")
            }
            command = (tar, ["-xf", archive, "-C", directory])
        }
        do {
            let process = try ChildProcess.launch(executable: command.0, arguments: command.1)
            let status = await process.waitForExit()
            guard status.isSuccess else {
                throw FetchError(uri: uri, reason: "extracting \(archive) \(status)")
            }
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(uri: uri, reason: "\(error)")
        }
    }
}

/// A URI the fetcher could not bring into the sandbox.
struct FetchError: Error, CustomStringConvertible {
    var uri: String
    var reason: String

    var description: String { "Failed to fetch '\(uri)': \(reason)" }
}

import Foundation
import Logging
import Synchronization

/// A swift-log handler that appends lines to a file (`-log_dir`), in the same format as stderr's.
public struct FileLogHandler: LogHandler {
    private final class Sink: Sendable {
        let handle: FileHandle
        let lock = Mutex(())
        init(handle: FileHandle) { self.handle = handle }
        func write(_ line: String) { lock.withLock { _ in handle.write(Data(line.utf8)) } }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// Opens (creating it and its directory if needed) `<directory>/<fileName>` for appending.
    public static func open(directory: String, fileName: String) throws
        -> @Sendable (String) -> FileLogHandler
    {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(fileName)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        let sink = Sink(handle: handle)
        return { label in FileLogHandler(sink: sink, label: label) }
    }

    private init(sink: Sink, label: String) {
        self.sink = sink
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
        source: String,
        file: String, function: String, line: UInt
    ) {
        let merged = metadata.merging(explicit ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        let timestamp = Date().formatted(.iso8601)
        sink.write(
            "\(timestamp) \(level) \(label): \(message)\(fields.isEmpty ? "" : " " + fields)\n")
    }
}

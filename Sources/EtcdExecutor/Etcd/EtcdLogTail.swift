import Foundation

/// The end of etcd's log, for failure messages: the last lines say why it stopped.
public enum EtcdLogTail {
    /// The last `lines` non-empty lines of the file at `path`, reading at most its last 64 KiB;
    /// empty if it cannot be read.
    public static func read(_ path: String, lines: Int = 20) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window: UInt64 = 64 * 1024
        try? handle.seek(toOffset: size > window ? size - window : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// `reason` followed by the end of the log at `path` (or a note that etcd wrote nothing there).
    public static func appended(to reason: String, from path: String) -> String {
        let tail = read(path)
        guard !tail.isEmpty else { return reason + " (etcd wrote nothing to \(path))" }
        return reason + "\nlast lines of \(path):\n" + tail
    }
}

import Crypto
import Foundation

/// Every file and directory under a path (hidden ones included) with each file's size and SHA-256, to prove that
/// a refused command changed nothing on disk.
struct DirectoryState: Equatable, CustomStringConvertible {
    var entries: [String: String]

    init(of root: String) throws {
        var entries: [String: String] = [:]
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root, isDirectory: &isDirectory) else {
            self.entries = [:]
            return
        }
        guard isDirectory.boolValue else {
            self.entries = [".": try Self.digest(root)]
            return
        }
        for name in try manager.subpathsOfDirectory(atPath: root) {
            let path = "\(root)/\(name)"
            _ = manager.fileExists(atPath: path, isDirectory: &isDirectory)
            entries[name] = isDirectory.boolValue ? "dir" : try Self.digest(path)
        }
        self.entries = entries
    }

    var description: String {
        entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
    }

    static func digest(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return "\(data.count) bytes \(hash)"
    }
}

/// The rules ZooKeeper applies to node paths, checked in Swift so a bad path fails with a clear message
/// instead of libzookeeper's bare `ZBADARGUMENTS`.
enum ZooKeeperPath {
    /// Throws `invalidPath` unless `path` is absolute and well formed. A trailing `/` is allowed only when
    /// the server appends a sequence number (`allowTrailingSlash`).
    static func validate(_ path: String, allowTrailingSlash: Bool = false) throws(ZooKeeperError) {
        func invalid(_ reason: String) -> ZooKeeperError {
            .invalidPath(path: path, reason: reason)
        }
        guard path.hasPrefix("/") else { throw invalid("must be absolute (start with \"/\")") }
        if path == "/" { return }
        if path.hasSuffix("/") && !allowTrailingSlash { throw invalid("must not end with \"/\"") }
        if let bad = path.unicodeScalars.first(where: isForbidden) {
            throw invalid(
                "contains the forbidden character U+\(String(bad.value, radix: 16, uppercase: true))"
            )
        }
        var segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if allowTrailingSlash && segments.last == "" { segments.removeLast() }
        for segment in segments {
            if segment.isEmpty { throw invalid("contains an empty segment (\"//\")") }
            if segment == "." || segment == ".." {
                throw invalid("contains a relative segment \"\(segment)\"")
            }
        }
    }

    /// The ancestors of `path` and `path` itself, shortest first: `/a/b` gives `/a`, `/a/b`.
    static func prefixes(of path: String) -> [String] {
        var result: [String] = []
        var current = ""
        for segment in path.split(separator: "/") {
            current += "/" + segment
            result.append(current)
        }
        return result
    }

    /// `parent/child` without doubling the slash at the root.
    static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0000...0x001F, 0x007F...0x009F, 0xD800...0xF8FF, 0xFFF0...0xFFFF: return true
        default: return false
        }
    }
}

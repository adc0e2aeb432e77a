import Foundation

/// Processes under a pid, from `/proc`.
enum ProcessTreeSnapshot {
    static func selfAndDescendants(_ root: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) {
                parents[parent, default: []].append(pid)
            }
        }
        var result: [Int32] = []
        var queue = [root]
        while let pid = queue.popLast() {
            result.append(pid)
            queue += parents[pid] ?? []
        }
        return result
    }
}

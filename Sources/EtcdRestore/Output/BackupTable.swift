import Backup
import Foundation

/// The human table of `list`: one backup a line, newest first, with sizes an operator can read at a glance.
enum BackupTable {
    static let headers = [
        "ID", "CREATED (UTC)", "REVISION", "DB SIZE", "ARCHIVE SIZE", "CLUSTER", "EPOCH", "DRILL",
    ]

    static func render(_ manifests: [BackupManifest]) -> String {
        let rows = manifests.map { manifest in
            [
                manifest.id,
                createdAt(manifest.createdAt),
                "\(manifest.revision)",
                ByteCount.format(manifest.dbSize),
                manifest.archiveSize.map(ByteCount.format) ?? "-",
                manifest.clusterName,
                "\(manifest.clusterEpoch)",
                drill(manifest.drill),
            ]
        }
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1
                    ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The last restore drill: `passed 2024-01-31 23:59 (1200 keys)`, `FAILED 2024-01-31 23:59`, or `-`.
    static func drill(_ drill: BackupDrill?) -> String {
        guard let drill else { return "-" }
        let when = String(createdAt(drill.at).prefix(16))
        guard drill.passed else { return "FAILED \(when)" }
        return "passed \(when)" + (drill.keys.map { " (\($0) keys)" } ?? "")
    }

    /// `2024-01-31 23:59:59`.
    static func createdAt(_ date: Date) -> String {
        let iso = BackupTimestamp.iso8601(date)  // 2024-01-31T23:59:59.123Z
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}

/// Byte counts for people: `512 B`, `40.1 MB`, `1.2 GB` (decimal units, as `ls -h --si` and etcd's docs use).
enum ByteCount {
    static func format(_ bytes: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0
            ? "\(bytes) B" : String(format: value < 10 ? "%.2f" : "%.1f", value) + " " + units[unit]
    }
}

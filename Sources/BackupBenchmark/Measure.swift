import Foundation
import Support

/// What both benchmarks measure and print with: a wall time, medians, seconds and megabytes.
enum Measure {
    static func timed(_ body: () async throws -> Void) async throws -> Duration {
        let start = ContinuousClock.now
        try await body()
        return ContinuousClock.now - start
    }

    static func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }

    static func format(_ duration: Duration) -> String {
        String(format: "%.2f s", duration.seconds)
    }

    static func mb(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}

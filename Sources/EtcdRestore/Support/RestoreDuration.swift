import Foundation

/// Durations on the command line in Go's style (`90s`, `10m`, `1h30m`, `500ms`), as the scheduler's flags take them.
public enum RestoreDuration {
    /// Parses `text`; nil when it is not a positive Go-style duration.
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Double)] = [
            ("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1000),
        ]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.milliseconds
        }
        guard total > 0 else { return nil }
        return .milliseconds(Int64(total.rounded()))
    }

    /// `1m30s`, `45s`, `1.5s`, `200ms`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = Int64(seconds(duration) * 1000)
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            return milliseconds % 1000 == 0
                ? "\(milliseconds / 1000)s" : String(format: "%.1fs", Double(milliseconds) / 1000)
        }
        let totalSeconds = milliseconds / 1000
        let hours = totalSeconds / 3600
        let minutes = totalSeconds % 3600 / 60
        let remaining = totalSeconds % 60
        return (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "")
            + (remaining > 0 ? "\(remaining)s" : "")
    }

    /// The duration in (fractional) seconds.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

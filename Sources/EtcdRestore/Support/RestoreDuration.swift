import Foundation
import Support

/// The CLI's durations: Go's syntax (`GoDuration`), with a unit and positive; printed with tenths of a second
/// for progress lines (`1.5s`).
public enum RestoreDuration {
    /// Parses `text`: a positive Go duration with its unit (`10m`, not `600`); nil otherwise.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains(where: \.isLetter), let duration = GoDuration.parse(trimmed),
            duration > .zero
        else {
            return nil
        }
        return duration
    }

    /// `1m30s`, `45s`, `1.5s`, `200ms`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = Int64(duration.seconds * 1000)
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

}

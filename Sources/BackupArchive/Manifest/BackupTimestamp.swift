import Foundation

/// The two UTC time formats backups use: compact `yyyyMMddTHHmmssZ` in archive names, ISO 8601 with
/// milliseconds in manifests. Manifest times are whole milliseconds (`rounded(_:)`), so a time survives any number
/// of encode/decode round trips unchanged.
public enum BackupTimestamp {
    /// `20240131T235959Z`.
    public static func compact(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(
            dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted,
            timeZone: .gmt)
        return style.format(date)
    }

    /// `2024-01-31T23:59:59.123Z`.
    public static func iso8601(_ date: Date) -> String {
        let (seconds, milliseconds) = split(date)
        let whole = Date.ISO8601FormatStyle(timeZone: .gmt).format(
            Date(timeIntervalSince1970: Double(seconds)))
        let fraction = String(milliseconds + 1000).dropFirst()  // zero-padded to three digits
        return "\(whole.dropLast())." + fraction + "Z"
    }

    /// Parses ISO 8601 UTC times with or without fractional seconds (fractions beyond milliseconds are dropped).
    public static func parseISO8601(_ text: String) -> Date? {
        guard text.hasSuffix("Z") else { return nil }
        var whole = text
        var milliseconds = 0
        if let dot = text.lastIndex(of: ".") {
            let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber)
            else { return nil }
            milliseconds = Int(String((digits + "00").prefix(3)))!
            whole = String(text[..<dot]) + "Z"
        }
        guard let date = try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(whole) else {
            return nil
        }
        return Date(
            timeIntervalSince1970: date.timeIntervalSince1970.rounded() + Double(milliseconds)
                / 1000)
    }

    /// `date` to the nearest whole millisecond, as manifests store it.
    public static func rounded(_ date: Date) -> Date {
        let (seconds, milliseconds) = split(date)
        return Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000)
    }

    private static func split(_ date: Date) -> (seconds: Int64, milliseconds: Int64) {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        return (seconds, total - seconds * 1000)
    }
}

/// Durations as the original's Go flags took them: `time.ParseDuration` syntax (`90s`, `30m`, `1h30m`, `1.5h`,
/// `250ms`; units ns, us, µs, ms, s, m, h), plus `d` (24 h) and a plain number meaning seconds (`90`, `0.5`).
/// Shared by the scheduler's, the executor's and the restore CLI's flags; each decides which values it allows.
public enum GoDuration {
    /// The non-negative duration `text` names, or nil if it is not in this syntax.
    public static func parse(_ text: String) -> Duration? {
        guard !text.isEmpty, !text.hasPrefix("-") else { return nil }
        var rest = Substring(text)
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        if let seconds = plainNumber(rest) { return seconds.isFinite ? .seconds(seconds) : nil }
        var total = Duration.zero
        while !rest.isEmpty {
            let numberText = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let number = plainNumber(numberText) else { return nil }
            rest = rest.dropFirst(numberText.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = unitSeconds[String(unitText)] else { return nil }
            rest = rest.dropFirst(unitText.count)
            let seconds = number * unit
            guard seconds.isFinite, seconds < 1e15 else { return nil }
            total += .seconds(seconds)
        }
        return total
    }

    /// `30m`, `1h30m`, `90s`, `250ms`: the shortest Go-like rendering, for help text, logs and messages.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds == 0 && attoseconds == 0 { return "0s" }
        if attoseconds != 0 || seconds == 0 {
            let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
            let rounded = milliseconds.rounded()
            return rounded == milliseconds ? "\(Int64(rounded))ms" : "\(milliseconds)ms"
        }
        var result = ""
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        let rest = seconds % 60
        if hours > 0 { result += "\(hours)h" }
        if minutes > 0 { result += "\(minutes)m" }
        if rest > 0 { result += "\(rest)s" }
        return result
    }

    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
        "d": 86400,
    ]

    /// Digits with at most one `.` and at least one digit; Go accepts `1.` and `.5`.
    private static func plainNumber(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.contains(where: \.isNumber),
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1
        else { return nil }
        let digits = String(text)
        return Double(
            digits.hasSuffix(".") ? digits + "0" : digits.hasPrefix(".") ? "0" + digits : digits)
    }
}

/// Durations in the syntax of Go's `time.ParseDuration`, which the original executor's flags used
/// (`240s`, `4m`, `1m30s`, `1.5h`, `500ms`), plus a plain number meaning seconds.
public enum GoDuration {
    /// The duration `text` names, or `nil` if it is not Go duration syntax (or negative).
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        if let seconds = number(rest) { return seconds.isFinite ? .seconds(seconds) : nil }
        if rest == "0" { return .zero }
        var total = Duration.zero
        while !rest.isEmpty {
            let numberText = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard let value = number(numberText) else { return nil }
            rest = rest.dropFirst(numberText.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = unitSeconds[String(unitText)] else { return nil }
            rest = rest.dropFirst(unitText.count)
            let seconds = value * unit
            guard seconds.isFinite, seconds < 1e15 else { return nil }
            total += .seconds(seconds)
        }
        return total
    }

    /// `4m0s`-like text for messages: whole seconds as `240s`, otherwise milliseconds.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        return "\(Int64((Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded()))ms"
    }

    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]

    /// Digits with at most one `.`; Go accepts `1.` and `.5`.
    private static func number(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.contains(where: \.isNumber),
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Double(text.hasPrefix(".") ? "0" + text : String(text))
    }
}

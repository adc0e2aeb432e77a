/// Durations as Mesos (stout) prints them in the environment it gives executors: a number, integer or
/// decimal, then one unit, e.g. `5secs`, `15mins`, `1500ms`, `2.0001secs`.
public enum StoutDuration {
    /// The duration `text` names, or `nil` when it is not stout syntax. Units: `ns`, `us`, `ms`, `secs`,
    /// `mins`, `hrs`, `days`, `weeks`.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingASCIISpaces()
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(number.count)
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1,
            number.contains(where: \.isNumber),
            let value = Double(number.hasPrefix(".") ? "0" + number : String(number)),
            let nanosecondsPerUnit = unitNanoseconds[String(unit)]
        else { return nil }
        let nanoseconds = value * nanosecondsPerUnit
        guard nanoseconds.isFinite, nanoseconds < 9.2e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }

    private static let unitNanoseconds: [String: Double] = [
        "ns": 1, "us": 1e3, "ms": 1e6, "secs": 1e9, "mins": 60e9, "hrs": 3600e9, "days": 86400e9,
        "weeks": 604800e9,
    ]
}

import Support

/// Turns one flag's text (from the command line, else from its container environment variable, else the
/// default) into a typed value, with an error naming the flag and where the bad text came from.
struct FlagReader {
    let environment: [String: String]
    /// `VARIABLE=value used for -flag`, for every environment variable that supplied a value.
    private(set) var environmentNotices: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The text for `flag`: the command line's, else its container variable's (if set and not empty).
    mutating func lookup(_ commandLine: String?, _ flag: String) -> (
        text: String, origin: FlagOrigin
    )? {
        if let commandLine { return (commandLine, .commandLine) }
        guard let variable = ContainerEnvironment.variable(for: flag),
            let value = environment[variable],
            !value.isEmpty
        else { return nil }
        environmentNotices.append("\(variable)=\(value) used for -\(flag)")
        return (value, .environment(variable))
    }

    mutating func string(_ commandLine: String?, _ flag: String) -> String? {
        lookup(commandLine, flag)?.text
    }

    mutating func int(
        _ commandLine: String?, _ flag: String, default fallback: Int, range: ClosedRange<Int>
    )
        throws(SchedulerConfigurationError) -> Int
    {
        guard let (text, origin) = lookup(commandLine, flag) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(
                flag: flag, value: text,
                expected: "expected a whole number from \(describe(range))", origin: origin)
        }
        return value
    }

    mutating func double(
        _ commandLine: String?, _ flag: String, default fallback: Double, minimum: Double,
        allowMinimum: Bool,
        unit: String
    ) throws(SchedulerConfigurationError) -> Double {
        guard let (text, origin) = lookup(commandLine, flag) else { return fallback }
        guard let value = Double(text), value.isFinite,
            allowMinimum ? value >= minimum : value > minimum
        else {
            let bound = allowMinimum ? "at least" : "more than"
            throw .invalidValue(
                flag: flag, value: text,
                expected: "expected a number of \(unit), \(bound) \(minimum.compact)",
                origin: origin)
        }
        return value
    }

    mutating func bool(_ commandLine: String?, _ flag: String, default fallback: Bool)
        throws(SchedulerConfigurationError) -> Bool
    {
        guard let (text, origin) = lookup(commandLine, flag) else { return fallback }
        guard let value = GoBool.parse(text) else {
            throw .invalidValue(
                flag: flag, value: text, expected: "expected true or false (also 1, 0, t, f)",
                origin: origin)
        }
        return value
    }

    /// A duration; `allowZero` decides whether `0` is accepted (it usually means "off").
    mutating func duration(
        _ commandLine: String?, _ flag: String, default fallback: Duration, allowZero: Bool
    )
        throws(SchedulerConfigurationError) -> Duration
    {
        guard let (text, origin) = lookup(commandLine, flag) else { return fallback }
        guard let value = GoDuration.parse(text), allowZero || value > .zero else {
            let zero = allowZero ? "" : ", longer than zero"
            throw .invalidValue(
                flag: flag, value: text,
                expected:
                    "expected a duration like 90s, 30m or 1h30m, or a number of seconds\(zero)",
                origin: origin)
        }
        return value
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max
            ? "\(range.lowerBound) up" : "\(range.lowerBound) to \(range.upperBound)"
    }
}

extension Double {
    /// `4` rather than `4.0`; `0.5` stays.
    var compact: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

import Support

/// Rewrites a Go-style command line into one swift-argument-parser reads the same way.
///
/// ArgumentParser already takes `-flag=value`, `--flag=value`, `-flag value` and `--flag value` for options
/// named with `NameSpecification.goFlag`. What it lacks is Go's bare boolean: `-auto-reseed` alone means
/// true, while `-auto-reseed=false` sets false. Our booleans are options holding Go's bool text, so a bare
/// one becomes `-name=true`. Go never reads `-bool value`: it would stop parsing flags at `value` and ignore
/// everything after it, silently; we refuse that with a message instead.
enum GoFlagSyntax {
    static func normalize(_ arguments: [String], booleanFlags: Set<String>)
        throws(SchedulerConfigurationError)
        -> [String]
    {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if let name = bareFlagName(argument), booleanFlags.contains(name) {
                let next = arguments.index(after: index)
                if next < arguments.endIndex, GoBool.parse(arguments[next]) != nil {
                    throw .separatedBooleanValue(flag: name, value: arguments[next])
                }
                result.append("-\(name)=true")
            } else {
                result.append(argument)
            }
            index = arguments.index(after: index)
        }
        return result
    }

    /// `auto-reseed` for `-auto-reseed` or `--auto-reseed`; nil for values, `-flag=value` and `---x`.
    private static func bareFlagName(_ argument: String) -> String? {
        var name = Substring(argument)
        guard name.hasPrefix("-") else { return nil }
        name = name.dropFirst()
        if name.hasPrefix("-") { name = name.dropFirst() }
        guard !name.isEmpty, !name.hasPrefix("-"), !name.contains("=") else { return nil }
        return String(name)
    }
}

import MesosAPI

/// Unreserved agent resources as the master accounts for them: scalars (cpus, mem, disk, gpus) and ranges
/// (ports), with the arithmetic offers and launches need.
///
/// Scalars are kept in thousandths, as Mesos' fixed-point `Value::Scalar` does, so that repeated adding and
/// subtracting of 0.1 cpus never drifts. SET and TEXT resources are not modelled (nothing here offers them).
public struct ResourceBag: Sendable, Hashable, CustomStringConvertible {
    /// Scalar amounts in thousandths, by name; zero amounts are not stored.
    private var scalars: [String: Int64] = [:]
    /// Disjoint, sorted, merged ranges by name; empty lists are not stored.
    private var ranges: [String: [ClosedRange<UInt64>]] = [:]

    public init() {}

    /// The SCALAR and RANGES resources of `resources`, summed by name. Roles and allocation info are ignored:
    /// the local master only has unreserved resources.
    public init(_ resources: [Resource]) {
        for resource in resources {
            switch resource.type {
            case .scalar:
                if let value = resource.scalar?.value { add(scalar: resource.name, value) }
            case .ranges:
                add(ranges: resource.name, resource.rangeValues)
            default:
                continue
            }
        }
    }

    /// A bag with `cpus`, `mem`, `disk` and `ports`, as an agent's flags describe it.
    public init(cpus: Double, mem: Double, disk: Double, ports: [ClosedRange<UInt64>]) {
        add(scalar: "cpus", cpus)
        add(scalar: "mem", mem)
        add(scalar: "disk", disk)
        add(ranges: "ports", ports)
    }

    public var isEmpty: Bool { scalars.isEmpty && ranges.isEmpty }

    /// The amount of the scalar `name` (0 if absent).
    public func scalar(_ name: String) -> Double { Double(scalars[name] ?? 0) / 1000 }

    /// The ranges of `name` (empty if absent), sorted and merged.
    public func ranges(_ name: String) -> [ClosedRange<UInt64>] { ranges[name] ?? [] }

    /// True if every scalar of `other` is at most this bag's and every range of `other` lies within this bag's.
    public func contains(_ other: ResourceBag) -> Bool {
        for (name, amount) in other.scalars where (scalars[name] ?? 0) < amount { return false }
        for (name, wanted) in other.ranges {
            let have = ranges[name] ?? []
            for range in wanted
            where !have.contains(where: {
                $0.contains(range.lowerBound) && $0.contains(range.upperBound)
            }) {
                return false
            }
        }
        return true
    }

    public static func + (lhs: ResourceBag, rhs: ResourceBag) -> ResourceBag {
        var sum = lhs
        sum += rhs
        return sum
    }

    public static func += (lhs: inout ResourceBag, rhs: ResourceBag) {
        for (name, amount) in rhs.scalars { lhs.add(milli: name, amount) }
        for (name, list) in rhs.ranges { lhs.add(ranges: name, list) }
    }

    /// What is left of `lhs` after taking `rhs` away; scalars stop at zero, ranges lose the taken values.
    public static func - (lhs: ResourceBag, rhs: ResourceBag) -> ResourceBag {
        var difference = lhs
        difference -= rhs
        return difference
    }

    public static func -= (lhs: inout ResourceBag, rhs: ResourceBag) {
        for (name, amount) in rhs.scalars { lhs.add(milli: name, -amount) }
        for (name, list) in rhs.ranges {
            guard let have = lhs.ranges[name] else { continue }
            let remaining = Self.subtract(list, from: have)
            lhs.ranges[name] = remaining.isEmpty ? nil : remaining
        }
    }

    /// As `[Resource]` the way a master shows unreserved resources to a framework: each resource carries
    /// `allocation_info.role` when `allocationRole` is given (MULTI_ROLE frameworks), and the deprecated
    /// `"role": "*"` unless the framework has RESERVATION_REFINEMENT.
    public func resources(allocationRole: String? = nil, legacyRole: Bool = false) -> [Resource] {
        var result: [Resource] = []
        let allocation = allocationRole.map { AllocationInfo(role: $0) }
        for name in Self.order(scalars.keys) {
            let value = Double(scalars[name]!) / 1000
            result.append(
                Resource(
                    name: name, type: .scalar, scalar: Value.Scalar(value: value),
                    role: legacyRole ? "*" : nil, allocationInfo: allocation))
        }
        for name in Self.order(ranges.keys) {
            result.append(
                Resource(
                    name: name, type: .ranges, ranges: Value.Ranges(ranges[name]!),
                    role: legacyRole ? "*" : nil, allocationInfo: allocation))
        }
        return result
    }

    /// Mesos' own rendering of resources, e.g. `cpus:0.5; mem:512; ports:[31000-31001]`, used in messages.
    public var description: String {
        var parts: [String] = []
        for name in Self.order(scalars.keys) {
            parts.append("\(name):\(Self.format(milli: scalars[name]!))")
        }
        for name in Self.order(ranges.keys) {
            parts.append("\(name):\(Self.format(ranges[name]!))")
        }
        return parts.isEmpty ? "{}" : parts.joined(separator: "; ")
    }

    /// `[31000-31001, 31005-31005]`, the form `/master/state` and Mesos messages use for ranges.
    public static func format(_ ranges: [ClosedRange<UInt64>]) -> String {
        "[" + ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ") + "]"
    }

    private static func format(milli: Int64) -> String {
        let value = Double(milli) / 1000
        return value == value.rounded() ? String(Int64(value)) : String(value)
    }

    /// Well-known names first, in the order Mesos lists them, then the rest alphabetically.
    private static func order(_ names: some Sequence<String>) -> [String] {
        let known = ["cpus", "gpus", "mem", "disk", "ports"]
        return names.sorted { a, b in
            let ia = known.firstIndex(of: a) ?? known.count
            let ib = known.firstIndex(of: b) ?? known.count
            return ia != ib ? ia < ib : a < b
        }
    }

    private mutating func add(scalar name: String, _ value: Double) {
        add(milli: name, Int64((value * 1000).rounded()))
    }

    private mutating func add(milli name: String, _ amount: Int64) {
        let total = max(0, (scalars[name] ?? 0) + amount)
        scalars[name] = total == 0 ? nil : total
    }

    private mutating func add(ranges name: String, _ list: [ClosedRange<UInt64>]) {
        guard !list.isEmpty else { return }
        ranges[name] = Self.merge((ranges[name] ?? []) + list)
    }

    private static func merge(_ list: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        var merged: [ClosedRange<UInt64>] = []
        for range in list.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1,
                last.upperBound != .max
            {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else if let last = merged.last, last.upperBound == .max {
                continue
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    private static func subtract(
        _ taken: [ClosedRange<UInt64>], from have: [ClosedRange<UInt64>]
    ) -> [ClosedRange<UInt64>] {
        var remaining = have
        for cut in taken {
            remaining = remaining.flatMap { range -> [ClosedRange<UInt64>] in
                guard range.overlaps(cut) else { return [range] }
                var pieces: [ClosedRange<UInt64>] = []
                if range.lowerBound < cut.lowerBound {
                    pieces.append(range.lowerBound...(cut.lowerBound - 1))
                }
                if range.upperBound > cut.upperBound {
                    pieces.append((cut.upperBound + 1)...range.upperBound)
                }
                return pieces
            }
        }
        return remaining
    }
}

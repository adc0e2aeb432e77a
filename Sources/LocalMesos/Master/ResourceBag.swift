import MesosAPI

/// Agent resources as the master accounts for them: scalars (cpus, mem, disk, gpus) and ranges (ports), kept
/// apart by what makes two resources of one name different to Mesos — the role they are reserved to, a disk
/// source or persistent volume, revocability, sharedness — with the arithmetic offers and launches need.
///
/// Two resources are interchangeable only when their `ResourceKey`s are equal, as in Mesos' `Resources`: a task
/// asking for plain `disk:1024` is not satisfied by a MOUNT disk, nor plain `cpus` by cpus reserved to a role
/// (master/validation.cpp, "more than available").
///
/// Scalars are kept in thousandths, as Mesos' fixed-point `Value::Scalar` does, so that repeated adding and
/// subtracting of 0.1 cpus never drifts. SET and TEXT resources are not modelled (nothing here offers them).
public struct ResourceBag: Sendable, Hashable, CustomStringConvertible {
    /// Scalar amounts in thousandths, by key; zero amounts are not stored.
    private var scalars: [ResourceKey: Int64] = [:]
    /// Disjoint, sorted, merged ranges by key; empty lists are not stored.
    private var ranges: [ResourceKey: [ClosedRange<UInt64>]] = [:]

    public init() {}

    /// The SCALAR and RANGES resources of `resources`, summed by key. Allocation info is ignored (it says who
    /// holds a resource, not what it is).
    public init(_ resources: [Resource]) {
        for resource in resources {
            let key = ResourceKey(resource)
            switch resource.type {
            case .scalar:
                if let value = resource.scalar?.value { add(scalar: key, value) }
            case .ranges:
                add(ranges: key, resource.rangeValues)
            default:
                continue
            }
        }
    }

    /// A bag with unreserved `cpus`, `mem`, `disk` and `ports`, as an agent's flags describe it.
    public init(cpus: Double, mem: Double, disk: Double, ports: [ClosedRange<UInt64>]) {
        add(scalar: ResourceKey(name: "cpus"), cpus)
        add(scalar: ResourceKey(name: "mem"), mem)
        add(scalar: ResourceKey(name: "disk"), disk)
        add(ranges: ResourceKey(name: "ports"), ports)
    }

    public var isEmpty: Bool { scalars.isEmpty && ranges.isEmpty }

    /// The total amount of the scalar `name` over every kind of it (0 if absent).
    public func scalar(_ name: String) -> Double {
        Double(scalars.filter { $0.key.name == name }.values.reduce(0, +)) / 1000
    }

    /// Every range of `name` (empty if absent), sorted and merged.
    public func ranges(_ name: String) -> [ClosedRange<UInt64>] {
        Self.merge(ranges.filter { $0.key.name == name }.values.flatMap { $0 })
    }

    /// What a framework may be offered: unreserved resources and those reserved to one of its `roles`;
    /// revocable ones only with `revocable` (the REVOCABLE_RESOURCES capability).
    public func offerable(toRoles roles: Set<String>, revocable: Bool) -> ResourceBag {
        var bag = self
        let keep = { (key: ResourceKey) in
            (key.reservation.map(roles.contains) ?? true) && (revocable || !key.revocable)
        }
        bag.scalars = scalars.filter { keep($0.key) }
        bag.ranges = ranges.filter { keep($0.key) }
        return bag
    }

    /// True if every scalar of `other` is at most this bag's of the same key and every range of `other`
    /// lies within this bag's ranges of the same key.
    public func contains(_ other: ResourceBag) -> Bool {
        for (key, amount) in other.scalars where (scalars[key] ?? 0) < amount { return false }
        for (key, wanted) in other.ranges {
            let have = ranges[key] ?? []
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
        for (key, amount) in rhs.scalars { lhs.add(milli: key, amount) }
        for (key, list) in rhs.ranges { lhs.add(ranges: key, list) }
    }

    /// What is left of `lhs` after taking `rhs` away; scalars stop at zero, ranges lose the taken values.
    public static func - (lhs: ResourceBag, rhs: ResourceBag) -> ResourceBag {
        var difference = lhs
        difference -= rhs
        return difference
    }

    public static func -= (lhs: inout ResourceBag, rhs: ResourceBag) {
        for (key, amount) in rhs.scalars { lhs.add(milli: key, -amount) }
        for (key, list) in rhs.ranges {
            guard let have = lhs.ranges[key] else { continue }
            let remaining = Self.subtract(list, from: have)
            lhs.ranges[key] = remaining.isEmpty ? nil : remaining
        }
    }

    /// As `[Resource]` the way a master shows resources to a framework: each resource carries
    /// `allocation_info.role` when `allocationRole` is given (MULTI_ROLE frameworks), and the deprecated
    /// `"role"` (`"*"` when unreserved) unless the framework has RESERVATION_REFINEMENT.
    public func resources(allocationRole: String? = nil, legacyRole: Bool = false) -> [Resource] {
        let allocation = allocationRole.map { AllocationInfo(role: $0) }
        var result: [Resource] = []
        for key in Self.order(scalars.keys) {
            var resource = key.resource(legacyRole: legacyRole, allocation: allocation)
            resource.type = .scalar
            resource.scalar = Value.Scalar(value: Double(scalars[key]!) / 1000)
            result.append(resource)
        }
        for key in Self.order(ranges.keys) {
            var resource = key.resource(legacyRole: legacyRole, allocation: allocation)
            resource.type = .ranges
            resource.ranges = Value.Ranges(ranges[key]!)
            result.append(resource)
        }
        return result
    }

    /// Mesos' own rendering of resources, e.g. `cpus:0.5; mem:512; ports:[31000-31001]`, used in messages;
    /// reserved, disk-source and revocable resources are marked as Mesos marks them
    /// (`cpus(reservations: [(STATIC,prod)]):2`, `disk[MOUNT:/mnt/d1]:1024`, `cpus{REV}:1`).
    public var description: String {
        var parts: [String] = []
        for key in Self.order(scalars.keys) {
            parts.append("\(key.label):\(Self.format(milli: scalars[key]!))")
        }
        for key in Self.order(ranges.keys) {
            parts.append("\(key.label):\(Self.format(ranges[key]!))")
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

    /// Well-known names first, in the order Mesos lists them, then the rest alphabetically; plain
    /// (unreserved, root-disk) resources before the others of a name.
    private static func order(_ keys: some Sequence<ResourceKey>) -> [ResourceKey] {
        let known = ["cpus", "gpus", "mem", "disk", "ports"]
        return keys.sorted { a, b in
            let ia = known.firstIndex(of: a.name) ?? known.count
            let ib = known.firstIndex(of: b.name) ?? known.count
            if ia != ib { return ia < ib }
            if a.name != b.name { return a.name < b.name }
            if a.isPlain != b.isPlain { return a.isPlain }
            return a.label < b.label
        }
    }

    private mutating func add(scalar key: ResourceKey, _ value: Double) {
        add(milli: key, Int64((value * 1000).rounded()))
    }

    private mutating func add(milli key: ResourceKey, _ amount: Int64) {
        let total = max(0, (scalars[key] ?? 0) + amount)
        scalars[key] = total == 0 ? nil : total
    }

    private mutating func add(ranges key: ResourceKey, _ list: [ClosedRange<UInt64>]) {
        guard !list.isEmpty else { return }
        ranges[key] = Self.merge((ranges[key] ?? []) + list)
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

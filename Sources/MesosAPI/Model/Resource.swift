/// `Resource`: a named quantity offered by an agent or asked for by a task (cpus, mem in MB, disk in MB,
/// ports, gpus).
///
/// Offers to a MULTI_ROLE framework carry `allocation_info.role`; to others, the deprecated `role` ("*" when
/// unreserved). `disk` (persistence and source), `revocable` and `shared` are kept as far as deciding what a
/// plain task may use needs; fields this library does not model (`provider_id`, `disk.volume`) are dropped on
/// decoding, so build launch resources afresh rather than copying offered ones that use them.
public struct Resource: Codable, Sendable, Hashable {
    public var name: String
    public var type: Value.Kind
    public var scalar: Value.Scalar?
    public var ranges: Value.Ranges?
    public var set: Value.Set?
    /// Deprecated in Mesos; emitted only when set.
    public var role: String?
    public var allocationInfo: AllocationInfo?
    /// Reservation stack, outermost last (RESERVATION_REFINEMENT format).
    public var reservations: [ReservationInfo]
    /// Deprecated single reservation (pre-refinement format).
    public var reservation: ReservationInfo?
    /// A persistent volume and/or a disk other than the agent's root disk (PATH, MOUNT, BLOCK, RAW).
    public var disk: DiskInfo?
    /// Set on revocable (oversubscribed) resources; the message has no fields.
    public var revocable: Marker?
    /// Set on resources that several tasks may share (shared persistent volumes); no fields.
    public var shared: Marker?

    public init(
        name: String, type: Value.Kind, scalar: Value.Scalar? = nil, ranges: Value.Ranges? = nil,
        set: Value.Set? = nil, role: String? = nil, allocationInfo: AllocationInfo? = nil,
        reservations: [ReservationInfo] = [], reservation: ReservationInfo? = nil,
        disk: DiskInfo? = nil,
        revocable: Marker? = nil, shared: Marker? = nil
    ) {
        self.name = name
        self.type = type
        self.scalar = scalar
        self.ranges = ranges
        self.set = set
        self.role = role
        self.allocationInfo = allocationInfo
        self.reservations = reservations
        self.reservation = reservation
        self.disk = disk
        self.revocable = revocable
        self.shared = shared
    }

    /// A SCALAR resource, e.g. `.scalar("cpus", 0.5, allocatedTo: "etcd")`.
    public static func scalar(_ name: String, _ value: Double, allocatedTo role: String? = nil)
        -> Resource
    {
        Resource(
            name: name, type: .scalar, scalar: Value.Scalar(value: value),
            allocationInfo: role.map { AllocationInfo(role: $0) })
    }

    /// A RANGES resource, e.g. `.ranges("ports", [31000...31002], allocatedTo: "etcd")`.
    public static func ranges(
        _ name: String, _ ranges: [ClosedRange<UInt64>], allocatedTo role: String? = nil
    ) -> Resource {
        Resource(
            name: name, type: .ranges, ranges: Value.Ranges(ranges),
            allocationInfo: role.map { AllocationInfo(role: $0) })
    }

    /// The role the resource is reserved to (the innermost-last reservation, or the pre-refinement `role`);
    /// nil when it is unreserved.
    public var reservationRole: String? {
        if let last = reservations.last { return last.role ?? "*" }
        if let role, role != "*" { return role }
        return nil
    }

    /// True for a share of the agent's root disk (or any non-disk resource): no source, no persistent volume.
    public var isOnRootDisk: Bool { disk?.source == nil && disk?.persistence == nil }

    /// The scalar amount, if this is a SCALAR resource.
    public var scalarValue: Double? { type == .scalar ? scalar?.value : nil }

    /// The ranges, if this is a RANGES resource (invalid ones with begin > end are left out).
    public var rangeValues: [ClosedRange<UInt64>] {
        type == .ranges ? (ranges?.range ?? []).compactMap(\.closedRange) : []
    }

    enum CodingKeys: String, CodingKey {
        case name, type, scalar, ranges, set, role, reservations, reservation, disk, revocable,
            shared
        case allocationInfo = "allocation_info"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(Value.Kind.self, forKey: .type)
        scalar = try container.decodeIfPresent(Value.Scalar.self, forKey: .scalar)
        ranges = try container.decodeIfPresent(Value.Ranges.self, forKey: .ranges)
        set = try container.decodeIfPresent(Value.Set.self, forKey: .set)
        role = try container.decodeIfPresent(String.self, forKey: .role)
        allocationInfo = try container.decodeIfPresent(AllocationInfo.self, forKey: .allocationInfo)
        reservations = try container.decodeRepeated(ReservationInfo.self, forKey: .reservations)
        reservation = try container.decodeIfPresent(ReservationInfo.self, forKey: .reservation)
        disk = try container.decodeIfPresent(DiskInfo.self, forKey: .disk)
        revocable = try container.decodeIfPresent(Marker.self, forKey: .revocable)
        shared = try container.decodeIfPresent(Marker.self, forKey: .shared)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(scalar, forKey: .scalar)
        try container.encodeIfPresent(ranges, forKey: .ranges)
        try container.encodeIfPresent(set, forKey: .set)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(allocationInfo, forKey: .allocationInfo)
        try container.encodeRepeated(reservations, forKey: .reservations)
        try container.encodeIfPresent(reservation, forKey: .reservation)
        try container.encodeIfPresent(disk, forKey: .disk)
        try container.encodeIfPresent(revocable, forKey: .revocable)
        try container.encodeIfPresent(shared, forKey: .shared)
    }

}

/// `Resource.ReservationInfo`: who reserved a resource and for which role.
public struct ReservationInfo: Codable, Sendable, Hashable {
    /// `Resource.ReservationInfo.Type`.
    public enum Kind: MesosEnum {
        case unknown, `static`, dynamic
        case unrecognized(String)

        public static let knownCases: [Kind] = [.unknown, .static, .dynamic]

        public var name: String {
            switch self {
            case .unknown: "UNKNOWN"
            case .static: "STATIC"
            case .dynamic: "DYNAMIC"
            case .unrecognized(let name): name
            }
        }
    }

    public var type: Kind?
    public var role: String?
    public var principal: String?
    public var labels: Labels?

    public init(
        type: Kind? = nil, role: String? = nil, principal: String? = nil, labels: Labels? = nil
    ) {
        self.type = type
        self.role = role
        self.principal = principal
        self.labels = labels
    }
}

import MesosAPI

/// What makes two resources of one name different to Mesos: the role a resource is reserved to, its disk
/// source and persistent volume, and whether it is revocable or shared. Amounts of equal keys add up;
/// amounts of different keys never stand in for each other.
public struct ResourceKey: Sendable, Hashable {
    public var name: String
    /// The role the resource is reserved to; nil when unreserved.
    public var reservation: String?
    /// The reservation stack as given (kept so offers show it as the agent declared it).
    var reservations: [ReservationInfo] = []
    public var disk: DiskInfo?
    public var revocable = false
    public var shared = false

    public init(name: String) { self.name = name }

    init(_ resource: Resource) {
        name = resource.name
        reservation = resource.reservationRole
        reservations =
            resource.reservations.isEmpty
            ? resource.reservationRole.map { [ReservationInfo(type: .static, role: $0)] } ?? []
            : resource.reservations
        disk = resource.disk
        revocable = resource.revocable != nil
        shared = resource.shared != nil
    }

    /// An unreserved, non-revocable, unshared resource on the root disk: what a plain task asks for.
    public var isPlain: Bool { reservation == nil && disk == nil && !revocable && !shared }

    /// `disk(reservations: [(STATIC,prod)])[MOUNT:/mnt/d1]{REV}`, as Mesos prints a resource's name.
    var label: String {
        var label = name
        if !reservations.isEmpty {
            let stack = reservations.map { "(\($0.type?.name ?? "STATIC"),\($0.role ?? "*"))" }
            label += "(reservations: [\(stack.joined(separator: ","))])"
        }
        if let disk {
            var inner: [String] = []
            if let source = disk.source { inner.append(source.summary) }
            if let persistence = disk.persistence { inner.append(persistence.id) }
            label += "[\(inner.joined(separator: ","))]"
        }
        if shared { label += "<SHARED>" }
        if revocable { label += "{REV}" }
        return label
    }

    /// A resource of this kind without its amount.
    func resource(legacyRole: Bool, allocation: AllocationInfo?) -> Resource {
        Resource(
            name: name, type: .scalar, role: legacyRole ? (reservation ?? "*") : nil,
            allocationInfo: allocation, reservations: legacyRole ? [] : reservations,
            disk: disk, revocable: revocable ? Marker() : nil, shared: shared ? Marker() : nil)
    }
}

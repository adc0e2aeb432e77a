import Foundation
import Support

/// `Labels`: free-form key/value pairs attached to frameworks, tasks, executors, statuses.
public struct Labels: Codable, Sendable, Hashable {
    public var labels: [Label]

    public init(_ labels: [Label] = []) { self.labels = labels }

    /// Labels from pairs, in the order given.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.labels = pairs.map { Label(key: $0.key, value: $0.value) }
    }

    /// The value of the first label called `key`.
    public subscript(key: String) -> String? { labels.first { $0.key == key }?.value }

    enum CodingKeys: String, CodingKey { case labels }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decodeRepeated(Label.self, forKey: .labels)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeRepeated(labels, forKey: .labels)
    }
}

/// One `Label`: `key` is required, `value` optional.
public struct Label: Codable, Sendable, Hashable {
    public var key: String
    public var value: String?

    public init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }
}

/// `Filters`: how long the master should not re-offer declined resources.
public struct Filters: Codable, Sendable, Hashable {
    /// Seconds; Mesos' default when unset is 5.0, capped at one year.
    public var refuseSeconds: Double?

    public init(refuseSeconds: Double? = nil) { self.refuseSeconds = refuseSeconds }

    enum CodingKeys: String, CodingKey { case refuseSeconds = "refuse_seconds" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        refuseSeconds = try container.decodeNumberIfPresent(Double.self, forKey: .refuseSeconds)
    }
}

/// `DurationInfo`: a duration in nanoseconds (`{"nanoseconds": 5000000000}`).
public struct DurationInfo: Codable, Sendable, Hashable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// `duration` rounded down to whole nanoseconds (saturating).
    public init(_ duration: Duration) {
        nanoseconds = duration.wholeNanoseconds
    }

    public var duration: Duration { .nanoseconds(nanoseconds) }

    enum CodingKeys: String, CodingKey { case nanoseconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nanoseconds = try container.decodeNumber(Int64.self, forKey: .nanoseconds)
    }
}

/// `TimeInfo`: a point in time as nanoseconds since the Unix epoch.
public struct TimeInfo: Codable, Sendable, Hashable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public init(_ date: Date) { nanoseconds = Int64((date.timeIntervalSince1970 * 1e9).rounded()) }

    public var date: Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }

    enum CodingKeys: String, CodingKey { case nanoseconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nanoseconds = try container.decodeNumber(Int64.self, forKey: .nanoseconds)
    }
}

/// `KillPolicy`: how long a task gets between the kill signal and being forced down.
public struct KillPolicy: Codable, Sendable, Hashable {
    public var gracePeriod: DurationInfo?

    public init(gracePeriod: DurationInfo? = nil) { self.gracePeriod = gracePeriod }

    enum CodingKeys: String, CodingKey { case gracePeriod = "grace_period" }
}

/// `Resource.AllocationInfo` / `Offer.allocation_info`: the role resources are allocated to.
public struct AllocationInfo: Codable, Sendable, Hashable {
    public var role: String?

    public init(role: String? = nil) { self.role = role }
}

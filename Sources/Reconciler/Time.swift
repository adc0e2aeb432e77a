/// A point in time as the reconciler sees it: a duration since an origin the caller chooses.
///
/// The reconciler never reads a clock. The adapter turns its clock into this value
/// (`ReconcilerInstant(ContinuousClock.now, origin: start)`); tests build times freely (`.seconds(240)`).
public struct ReconcilerInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Time elapsed since the caller's origin.
    public var sinceOrigin: Duration

    public init(sinceOrigin: Duration) {
        self.sinceOrigin = sinceOrigin
    }

    /// The instant `instant` measured from `origin` on a continuous clock.
    public init(_ instant: ContinuousClock.Instant, origin: ContinuousClock.Instant) {
        self.sinceOrigin = origin.duration(to: instant)
    }

    /// The origin itself.
    public static let origin = ReconcilerInstant(sinceOrigin: .zero)

    /// The instant `seconds` after the origin.
    public static func seconds(_ seconds: Int64) -> ReconcilerInstant {
        ReconcilerInstant(sinceOrigin: .seconds(seconds))
    }

    public func advanced(by duration: Duration) -> ReconcilerInstant {
        ReconcilerInstant(sinceOrigin: sinceOrigin + duration)
    }

    public static func + (instant: ReconcilerInstant, duration: Duration) -> ReconcilerInstant {
        instant.advanced(by: duration)
    }

    public static func - (instant: ReconcilerInstant, duration: Duration) -> ReconcilerInstant {
        instant.advanced(by: .zero - duration)
    }

    /// How long after `earlier` this instant is (negative when it is before).
    public static func - (later: ReconcilerInstant, earlier: ReconcilerInstant) -> Duration {
        later.sinceOrigin - earlier.sinceOrigin
    }

    public static func < (lhs: ReconcilerInstant, rhs: ReconcilerInstant) -> Bool {
        lhs.sinceOrigin < rhs.sinceOrigin
    }

    public var description: String { "t+\(sinceOrigin)" }
}

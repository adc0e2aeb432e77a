extension Duration {
    /// The duration in (fractional) seconds: for manifests, statistics, JSON and `FrameworkInfo`.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Duration {
    /// Whole nanoseconds, rounded toward zero and saturating at `Int64`'s bounds: for NIO's `TimeAmount`,
    /// Mesos' `DurationInfo` and stout's duration text.
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

import Foundation

/// The outcome of a restore drill of one backup: its archive restored into a throwaway etcd, which must serve
/// the manifest's revision. Recorded in the backup's sidecar (never inside the archive).
public struct BackupDrill: Sendable, Hashable, Codable {
    public var at: Date
    public var passed: Bool
    public var seconds: Double
    /// The live keys the throwaway member served.
    public var keys: Int64?
    /// The revision it served.
    public var revision: Int64?
    /// Why it failed.
    public var reason: String?

    public init(
        at: Date, passed: Bool, seconds: Double, keys: Int64? = nil, revision: Int64? = nil,
        reason: String? = nil
    ) {
        self.at = at
        self.passed = passed
        self.seconds = seconds
        self.keys = keys
        self.revision = revision
        self.reason = reason
    }
}

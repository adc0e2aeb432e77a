/// Why a backup was taken.
public enum BackupTrigger: String, Sendable, Hashable, Codable {
    /// `POST /backups` or another explicit request.
    case manual
    /// The periodic schedule.
    case periodic
}

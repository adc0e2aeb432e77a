/// Snapshot pipeline, archive reader/verifier and retention (built in the backup issue).
///
/// This target is the only one that will import `CArchive` and `CZstd`; it holds nothing yet.
public enum BackupModule {}

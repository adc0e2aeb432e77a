// The archive format, reader and restore command live in BackupArchive (which the executor links without
// libarchive); everything that uses backups sees them through `import Backup` too.
@_exported import BackupArchive

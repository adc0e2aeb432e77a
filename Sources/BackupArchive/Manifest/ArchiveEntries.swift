/// The two entries of a backup archive's tar, in the order the writer puts them (the manifest first).
public enum ArchiveEntries {
    public static let manifest = "manifest.json"
    public static let database = "snapshot.db"
}

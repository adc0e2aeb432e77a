import ArgumentParser

extension NameSpecification {
    /// `-name` (also `-name=value`) and `--name`: Go's flag package takes either, and so do our binaries.
    public static func goFlag(_ name: String) -> NameSpecification {
        [.customLong(name, withSingleDash: true), .customLong(name)]
    }
}

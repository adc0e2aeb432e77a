import ArgumentParser

/// `--json`: every subcommand's switch for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "Print JSON on stdout instead of text (errors too, as {\"ok\": false, \"error\": …})."
    )
    var json = false
}

/// Where etcd's own tools are, and where to unpack a database for them.
struct ToolOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory holding etcdutl (etcd 3.5+) or etcdctl (etcd 3.4); default: search PATH.",
            valueName: "dir"))
    var etcdBinDir: String?
}

/// `--scratch-dir`: room for the extracted database (about the database's size).
struct ScratchOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory for the temporary copy of the database (removed afterwards); default: $TMPDIR or /tmp.",
            valueName: "dir"))
    var scratchDir: String?
}

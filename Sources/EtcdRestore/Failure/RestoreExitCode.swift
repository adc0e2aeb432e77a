/// The exit codes of `etcd-mesos-restore`, as its `--help` documents them.
public enum RestoreExitCode: Int32, Sendable, CaseIterable {
    /// Done: the archive verified, the data dir was restored, the cluster was seeded.
    case success = 0
    /// The input was refused: an archive failed verification, belongs to another cluster, a target data dir
    /// is not empty, the scheduler refused the restore, or the seeded cluster's revision is behind the snapshot.
    case refused = 1
    /// The command line is wrong (unknown flag, missing argument, a token file that is unreadable, empty or
    /// readable by group or others).
    case usage = 2
    /// The scheduler or the object store is unreachable, rejected the admin token or the credentials, or
    /// answered something unexpected.
    case scheduler = 3
    /// The seeded cluster did not become healthy within `--timeout`.
    case timeout = 4
    /// Something failed on this machine: no etcd tool found, the tool failed, a file could not be written.
    case local = 5
    /// Interrupted by SIGINT or SIGTERM; temporary files were removed.
    case interrupted = 130

    /// One line per code for `--help`.
    static var helpText: String {
        """
        Exit codes:
          0    success
          1    refused: the archive failed verification, belongs to another
               cluster (without --force), the target data dir is not empty, the
               scheduler refused the restore or lacks the backup, or the seeded
               cluster's revision is behind the snapshot's
          2    usage: bad flags or arguments, or an unusable --token-file
          3    the scheduler or the object store is unreachable, rejected the
               admin token or the credentials, or answered unexpectedly
          4    timeout: the seeded cluster was not healthy within --timeout
          5    local failure: no etcdutl/etcdctl, the tool failed, or a file
               could not be written
          130  interrupted (SIGINT/SIGTERM); temporary files were removed
        """
    }
}

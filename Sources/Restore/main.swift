import Foundation

// `etcd-mesos-restore` is not built yet: this binary says so instead of pretending to run.
FileHandle.standardError.write(Data("etcd-mesos-restore: not implemented yet in this version of etcd-mesos\n".utf8))
exit(2)

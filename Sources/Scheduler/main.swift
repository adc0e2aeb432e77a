import Foundation

// `etcd-mesos-scheduler` is not built yet: this binary says so instead of pretending to run.
FileHandle.standardError.write(Data("etcd-mesos-scheduler: not implemented yet in this version of etcd-mesos\n".utf8))
exit(2)

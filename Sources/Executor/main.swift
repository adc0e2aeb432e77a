import Foundation

// `etcd-mesos-executor` is not built yet: this binary says so instead of pretending to run.
FileHandle.standardError.write(Data("etcd-mesos-executor: not implemented yet in this version of etcd-mesos\n".utf8))
exit(2)

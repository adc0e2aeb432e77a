// `etcd-mesos-local`: a local Mesos (one master, N agents on 127.0.0.2, 127.0.0.3, …) for development,
// demos and end-to-end tests, plus a benchmark of the master with many agents.
import ProcessControl

BrokenPipes.ignore()
await LocalMesosCommand.start()

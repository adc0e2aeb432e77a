import ProcessControl
import EtcdExecutor

BrokenPipes.ignore()
await EtcdExecutorCommand.start()

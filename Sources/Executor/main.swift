import EtcdExecutor
import ProcessControl

BrokenPipes.ignore()
await EtcdExecutorCommand.start()

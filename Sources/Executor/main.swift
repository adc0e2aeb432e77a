import EtcdExecutor

await EtcdExecutorCommand.start()

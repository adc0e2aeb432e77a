import EtcdRestore
import ProcessControl

// The composition root is `RestoreCommand`; this file only hands it the process.
BrokenPipes.ignore()
await RestoreCommand.runMain()

import EtcdRestore

// The composition root is `RestoreCommand`; this file only hands it the process.
await RestoreCommand.runMain()

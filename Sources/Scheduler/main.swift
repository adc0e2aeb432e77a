import ArgumentParser
import EtcdScheduler
import Foundation
import Logging
import ProcessControl

// etcd-mesos-scheduler: parse the Go-style flags, set up logging, run until SIGTERM/SIGINT.
BrokenPipes.ignore()
let options: SchedulerOptions
let settings: SchedulerSettings
do {
    options = try SchedulerOptions.parseGoStyle(Array(CommandLine.arguments.dropFirst()))
    settings = try options.settings().resolvingLocalFiles()
} catch {
    SchedulerOptions.exit(withError: error)
}

let logFile: (@Sendable (String) -> FileLogHandler)?
do {
    logFile = try settings.logging.fileDirectory.map {
        try FileLogHandler.open(directory: $0, fileName: "etcd-mesos-scheduler.log")
    }
} catch {
    FileHandle.standardError.write(
        Data("etcd-mesos-scheduler: cannot open the log file: \(error)\n".utf8))
    exit(1)
}
let level = settings.logging.logLevel
LoggingSystem.bootstrap { label in
    var stderr = StreamLogHandler.standardError(label: label)
    stderr.logLevel = level
    guard let logFile else { return stderr }
    var file = logFile(label)
    file.logLevel = level
    return MultiplexLogHandler([stderr, file])
}
let logger = Logger(label: "etcd-mesos-scheduler")
for notice in settings.notices { logger.notice("\(notice)") }

let app = SchedulerApp(settings: settings, logger: logger)
do {
    // Runs until SIGTERM/SIGINT, which the app's service group turns into a graceful shutdown.
    try await app.run { adminURL in logger.info("admin API at \(adminURL)") }
    logger.info("stopped (tasks keep running; a restarted scheduler adopts them)")
} catch {
    logger.critical("the scheduler stopped: \(error)")
    exit(1)
}

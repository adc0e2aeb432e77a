import Backup
import EtcdScheduler
import Foundation
import Support
import Testing

/// The defaults README.md states, checked against the constants the scheduler applies: changing a
/// constant without the README (or the README without the code) fails here.
@Suite("README: the defaults it states are the scheduler's")
struct ReadmeDefaultsTests {
    /// README.md at the package root: this file is Tests/SchedulerTests/ReadmeDefaultsTests.swift.
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("README.md").path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    /// The README's parenthesis after `` `-flag` ``, e.g. "zstd, default 1".
    static func parenthesis(after flag: String) throws -> String {
        let text = readme.replacingOccurrences(of: "\n", with: " ")
        let marker = "`-\(flag)` ("
        let start = try #require(text.range(of: marker), "README.md does not describe -\(flag)")
        let rest = text[start.upperBound...]
        let end = try #require(rest.firstIndex(of: ")"), "-\(flag)'s parenthesis is not closed")
        return String(rest[..<end])
    }

    /// The value after "default" in the README's parenthesis for `-flag`: the code span after it
    /// (`` default `30m` ``), or the plain word (`default 1`).
    static func statedDefault(_ flag: String) throws -> String {
        let parenthesis = try parenthesis(after: flag)
        let start = try #require(
            parenthesis.range(of: "default "), "README.md states no default for -\(flag)")
        let rest = parenthesis[start.upperBound...]
        if rest.hasPrefix("`") {
            return String(rest.dropFirst().prefix { $0 != "`" })
        }
        return String(rest.prefix { $0 != ";" && $0 != "," && $0 != " " })
    }

    /// The settings of a command line that gives none of the flags the README describes.
    static func defaultSettings() throws -> SchedulerSettings {
        try SchedulerOptions.parseGoStyle(["-master=local"]).settings(
            environment: [:], hostName: "scheduler-host", currentDirectory: "/srv/etcd-mesos")
    }

    @Test("the README was found")
    func readmeFound() {
        #expect(Self.readme.contains("# etcd-mesos"))
    }

    @Test("-backup-interval: the stated default is the applied one")
    func backupInterval() throws {
        let stated = try Self.statedDefault("backup-interval")
        #expect(GoDuration.parse(stated) == SchedulerDefaults.backupInterval, "README: \(stated)")
        #expect(try Self.defaultSettings().backup.interval == SchedulerDefaults.backupInterval)
    }

    @Test("-backup-compression-level: the stated default is the backup pipeline's standard level")
    func compressionLevel() throws {
        let stated = try Self.statedDefault("backup-compression-level")
        #expect(Int(stated) == BackupCompression.standard.level, "README: \(stated)")
        #expect(Int(stated) == SchedulerDefaults.backupCompressionLevel, "README: \(stated)")
        #expect(try Self.defaultSettings().backup.compressionLevel == Int(stated))
    }

    @Test("-backup-retention: the stated default is the applied one")
    func retention() throws {
        let stated = try Self.statedDefault("backup-retention")
        #expect(BackupRetention(parsing: stated) == SchedulerDefaults.backupRetention)
        #expect(try Self.defaultSettings().backup.retention == SchedulerDefaults.backupRetention)
    }

    @Test("-backup-dir: the stated default is the work dir's backups directory")
    func backupDirectory() throws {
        let stated = try Self.statedDefault("backup-dir")
        #expect(stated == "<work-dir>/\(SchedulerDefaults.backupDirectoryName)")
        let settings = try Self.defaultSettings()
        let name = SchedulerDefaults.backupDirectoryName
        #expect(settings.backup.directory == settings.workDirectory + "/" + name)
    }

    @Test("the admin API port the README names and uses is -admin-port's default")
    func adminPort() throws {
        let text = Self.readme.replacingOccurrences(of: "\n", with: " ")
        let marker = "admin API on port "
        let start = try #require(text.range(of: marker), "README.md names no admin port")
        let stated = Int(text[start.upperBound...].prefix { $0.isNumber })
        #expect(stated == SchedulerDefaults.adminPort)
        #expect(try Self.defaultSettings().adminPort == SchedulerDefaults.adminPort)

        // Every localhost URL in the examples is the admin API.
        let examplePorts = Self.readme.components(separatedBy: "localhost:").dropFirst()
            .map { Int($0.prefix { $0.isNumber }) }
        #expect(!examplePorts.isEmpty)
        for port in examplePorts {
            #expect(port == SchedulerDefaults.adminPort, "an example uses localhost:\(port ?? 0)")
        }
    }
}
